import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EventType, historyEvent, type HistoryEvent } from '../../tools/local-host/engine/history';
import { FileStore } from '../../tools/local-host/store/fileStore';
import type { InstanceRecord } from '../../tools/local-host/store/store';

let dir: string;
beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'durable-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = new Date('2026-01-01T00:00:00Z');
const event = (type: (typeof EventType)[keyof typeof EventType], fields: Record<string, unknown> = {}, id = -1): HistoryEvent => historyEvent(type, at, fields, id);

function newRecord(instanceId: string): InstanceRecord {
    return {
        instanceId,
        name: 'hello',
        executionId: 'e1',
        runtimeStatus: 'Pending',
        input: '"x"',
        createdTime: at.toISOString(),
        lastUpdatedTime: at.toISOString(),
        history: [],
        inbox: [event(EventType.ExecutionStarted, { Name: 'hello' })],
    };
}

const logFile = (id: string) => path.join(dir, 'instances', `${id}.log`);
const plain = (record: InstanceRecord) => JSON.parse(JSON.stringify(record)) as InstanceRecord;

describe('FileStore: append-only instance logs', () => {
    it('appends only what changed, and a reload rebuilds the same record, including messages taken but not yet committed', async () => {
        const store = new FileStore(dir);
        const record = newRecord('a');
        await store.save(record);
        const started = record.inbox.splice(0, 1);
        record.runtimeStatus = 'Running';
        record.history.push(event(EventType.OrchestratorStarted), ...started, event(EventType.TaskScheduled, { Name: 'say' }, 0));
        await store.save(record);
        const sizeAfterEpisode = statSync(logFile('a')).size;
        record.inbox.push(event(EventType.TaskCompleted, { TaskScheduledId: 0, Result: '"hi"' }));
        await store.save(record);
        // Taken by the next episode, which has not committed yet: on disk it is still waiting.
        const taken = record.inbox.splice(0);
        record.inbox.push(event(EventType.EventRaised, { Name: 'go' }));
        await store.save(record);
        const appended = statSync(logFile('a')).size - sizeAfterEpisode;
        expect(appended).toBeLessThan(400);

        const reloaded = await new FileStore(dir).loadAll();
        expect(reloaded).toHaveLength(1);
        expect(plain(reloaded[0])).toEqual(plain({ ...record, inbox: [...taken, ...record.inbox] }));

        record.history.push(event(EventType.OrchestratorStarted), ...taken);
        await store.save(record);
        expect(plain((await new FileStore(dir).loadAll())[0])).toEqual(plain(record));
    });

    it('cuts off a torn final record (a write cut short) and keeps every acknowledged save', async () => {
        const store = new FileStore(dir);
        const record = newRecord('torn');
        await store.save(record);
        record.inbox.push(event(EventType.EventRaised, { Name: 'acknowledged' }));
        await store.save(record);
        const whole = statSync(logFile('torn')).size;
        appendFileSync(logFile('torn'), '1a2b3c4d {"t":"delta","m":[{"EventType":15,"Na');

        const warnings: string[] = [];
        const [recovered] = await new FileStore(dir, (m) => warnings.push(m)).loadAll();
        expect(plain(recovered)).toEqual(plain(record));
        expect(warnings.join()).toMatch(/cut off a torn final record/);
        expect(statSync(logFile('torn')).size).toBe(whole);

        // A record whose bytes are all there but whose checksum does not match (a block of zeros, garbage) is torn too.
        appendFileSync(logFile('torn'), `00000000 ${JSON.stringify({ t: 'delta', s: { runtimeStatus: 'Completed' } })}\n`);
        const [again] = await new FileStore(dir, () => undefined).loadAll();
        expect(again.runtimeStatus).toBe('Pending');
    });

    it('compacts a finished instance to one snapshot and reads its history from disk when asked', async () => {
        const store = new FileStore(dir);
        const record = newRecord('done');
        await store.save(record);
        for (let i = 0; i < 20; i++) {
            record.history.push(event(EventType.TaskScheduled, { Name: 'say' }, i));
            await store.save(record);
        }
        record.runtimeStatus = 'Completed';
        record.output = '"ok"';
        await store.save(record);
        const lines = readFileSync(logFile('done'), 'utf8').trimEnd().split('\n');
        expect(lines).toHaveLength(3);
        expect(Object.getOwnPropertyDescriptor(record, 'history')?.get).toBeDefined();
        expect(record.history).toHaveLength(20);

        const [loaded] = await new FileStore(dir).loadAll();
        expect(loaded).toMatchObject({ runtimeStatus: 'Completed', output: '"ok"' });
        expect(loaded.history.map((e) => e.EventId)).toEqual([...Array(20).keys()]);
        expect(readdirSync(path.join(dir, 'instances'))).toEqual(['done.log']);
    });
});
