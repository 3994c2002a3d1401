import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EventType, historyEvent, type HistoryEvent } from '../../tools/local-host/model/history';
import type { InstanceRecord } from '../../tools/local-host/model/instance';
import { hasUnflaggedSqlite, openDatabase } from '../../tools/local-host/store/sqlite';
import { SqliteStore } from '../../tools/local-host/store/sqliteStore';
import { InstanceGoneError } from '../../tools/local-host/store/store';
import { HANG_MS } from '../support/localHost';

const { compileTs } = require('../../tools/cli/compileTs') as {
    compileTs: (entry: string, outName: string, options: { outDir: string }) => string;
};

const FIXTURE = path.join(__dirname, 'fixtures/file-log-data');
let dir: string;
const stores: SqliteStore[] = [];
const open = (warn: (m: string) => void = () => undefined): SqliteStore => {
    const store = new SqliteStore(dir, warn);
    stores.push(store);
    return store;
};
beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'durable-sqlite-'));
});
afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
});

const at = new Date('2026-01-01T00:00:00Z');
const event = (
    type: (typeof EventType)[keyof typeof EventType],
    fields: Record<string, unknown> = {},
    id = -1,
): HistoryEvent => historyEvent(type, at, fields, id);
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

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
const byId = (records: InstanceRecord[]): Map<string, InstanceRecord> => new Map(records.map((r) => [r.instanceId, r]));

describe('SqliteStore', () => {
    it('imports a data directory written by the file store: every instance, its waiting messages and the entities; a torn final write is left out', async () => {
        cpSync(FIXTURE, dir, { recursive: true });
        const warnings: string[] = [];
        const loaded = byId(await open((m) => warnings.push(m)).loadAll());
        expect([...loaded.keys()].sort()).toEqual(['L'.repeat(300), 'done-1', 'order 42@contoso/Ünïcode']);

        const running = loaded.get('order 42@contoso/Ünïcode')!;
        expect(running).toMatchObject({ runtimeStatus: 'Running', customStatus: '"step 1"', executionId: 'x2' });
        expect(running.history.map((e) => e.EventType)).toEqual([
            EventType.OrchestratorStarted,
            EventType.ExecutionStarted,
            EventType.TaskScheduled,
            EventType.OrchestratorCompleted,
        ]);
        expect(running.inbox.map((e) => [e.EventType, e.Result ?? e.Name])).toEqual([
            [EventType.TaskCompleted, '"Hello Seattle"'],
            [EventType.EventRaised, 'approve'],
        ]);
        expect(loaded.get('done-1')).toMatchObject({ runtimeStatus: 'Completed', output: '["Hello Seattle"]' });
        expect(loaded.get('done-1')!.history.at(-2)).toMatchObject({
            EventType: EventType.ExecutionCompleted,
            Result: '["Hello Seattle"]',
        });
        expect(loaded.get('L'.repeat(300))!.inbox).toHaveLength(1);
        expect(warnings.join('\n')).toMatch(
            /left out a torn final record .*imported 3 instance\(s\) and 1 entity record\(s\)/s,
        );
        expect(stores[0].entities.read('@counter@c1')).toMatchObject({ exists: true, state: '7', recentIds: ['r1'] });
        // The old folders are kept, renamed; a second start reads the database only.
        expect(readdirSync(dir).sort()).toEqual([
            'durable.db',
            'durable.db-shm',
            'durable.db-wal',
            'entities.imported',
            'instances.imported',
        ]);
        await stores[0].close();
        const again = byId(await open().loadAll());
        expect(plain(again.get('order 42@contoso/Ünïcode'))).toEqual(plain(running));
    });

    it('keeps ids as keys: ids differing only in case, device names, separators and very long ids are separate instances', async () => {
        const ids = ['Abc', 'abc', 'CON', 'NUL', 'a/b\\c', '..', 'x'.repeat(5000), `${'y'.repeat(60)}`];
        const store = open();
        await Promise.all(ids.map((id) => store.step((ops) => ops.createInstance(newRecord(id)))));
        await store.close();
        const loaded = await open().loadAll();
        expect(loaded.map((r) => r.instanceId).sort()).toEqual([...ids].sort());
        expect(existsSync(path.join(dir, 'instances'))).toBe(false);
    });

    it('commits every step of a turn together; a step that fails rolls back alone and its apply never runs', async () => {
        const store = open();
        await store.step((ops) => ops.createInstance(newRecord('a')));
        const ref = { instanceId: 'a', executionId: 'e1' };
        const applied: string[] = [];
        const first = store.step(
            (ops) => ops.appendHistory(ref, 0, [event(EventType.OrchestratorStarted)]),
            () => applied.push('first'),
        );
        const clash = store.step(
            (ops) => ops.appendHistory(ref, 0, [event(EventType.OrchestratorCompleted)]),
            () => applied.push('clash'),
        );
        const status = store.step(
            (ops) => ops.setStatus(ref, { runtimeStatus: 'Running' }),
            () => applied.push('status'),
        );
        await expect(first).resolves.toBeUndefined();
        await expect(clash).rejects.toThrow(
            /Could not write to durable\.db in the data directory: .*UNIQUE constraint failed.*restart the host to resume from the last commit/,
        );
        await expect(status).resolves.toBeUndefined();
        expect(applied).toEqual(['first', 'status']);
        const [reloaded] = await new SqliteStore(dir).loadAll();
        expect(reloaded.history.map((e) => e.EventType)).toEqual([EventType.OrchestratorStarted]);
        expect(reloaded.runtimeStatus).toBe('Running');
    });

    it('runs apply only once the step is on disk: another connection already reads it', async () => {
        const store = open();
        let seenByOthers: string[] | undefined;
        await store.step(
            (ops) => ops.createInstance(newRecord('durable-first')),
            () => {
                const other = new SqliteStore(dir);
                void other.loadAll().then((records) => {
                    seenByOthers = records.map((r) => r.instanceId);
                    return other.close();
                });
            },
        );
        for (let i = 0; i < 100 && !seenByOthers; i++) await new Promise((resolve) => setTimeout(resolve, 5));
        expect(seenByOthers).toEqual(['durable-first']);
    });

    it('copies what the WAL holds into durable.db within about a second of a commit, on a thread of its own', async () => {
        const store = open();
        const size = (file: string): number => (existsSync(file) ? statSync(file).size : 0);
        const before = size(store.file);
        const record = { ...newRecord('big'), inbox: [] };
        const payload = 'x'.repeat(1000);
        await store.step((ops) => {
            ops.createInstance(record);
            const events = Array.from({ length: 2000 }, (_, i) =>
                event(EventType.TaskCompleted, { Result: payload }, i),
            );
            ops.appendHistory({ instanceId: 'big', executionId: 'e1' }, 0, events);
        });
        // Committed to the WAL only: the database file has not grown yet.
        expect(size(store.file)).toBeLessThan(before + 1_000_000);
        expect(size(`${store.file}-wal`)).toBeGreaterThan(2_000_000);
        const deadline = Date.now() + HANG_MS;
        while (size(store.file) < before + 2_000_000 && Date.now() < deadline)
            await new Promise((resolve) => setTimeout(resolve, 20));
        expect(size(store.file)).toBeGreaterThan(before + 2_000_000);
    });

    it('never keeps a process alive: one that commits and never closes its store still ends with its script', () => {
        const entry = path.join(dir, 'commitsAndLeaves.ts');
        const store = path.join(__dirname, '../../tools/local-host/store/sqliteStore');
        writeFileSync(
            entry,
            `import { SqliteStore } from ${JSON.stringify(store)};
const store = new SqliteStore(process.argv[2], () => undefined);
// Past the first checkpoint (its thread is running), say what still holds the process.
void store.step((ops) => ops.purge('nobody')).then(() =>
    setTimeout(() => console.log(JSON.stringify(process.getActiveResourcesInfo())), 1500),
);`,
        );
        const script = compileTs(entry, 'commitsAndLeaves.js', { outDir: dir });
        const out = execFileSync(process.execPath, [script, path.join(dir, 'data')], { timeout: HANG_MS });
        // The timer that printed this and the output pipes; never the checkpoint thread (a Worker, its MessagePort).
        expect(JSON.parse(out.toString())).toContain('Timeout');
        expect(JSON.parse(out.toString())).not.toContain('MessagePort');
        expect(JSON.parse(out.toString())).not.toContain('Worker');
    });

    it('makes a purge final: writes for the purged execution are refused, and a new start of the id is a new instance', async () => {
        const store = open();
        await store.step((ops) => ops.createInstance(newRecord('p')));
        const ref = { instanceId: 'p', executionId: 'e1' };
        await expect(store.step((ops) => ops.purge('p'))).resolves.toBe(true);
        await expect(
            store.step((ops) => ops.appendHistory(ref, 0, [event(EventType.OrchestratorStarted)])),
        ).rejects.toBeInstanceOf(InstanceGoneError);
        await expect(store.step((ops) => ops.setStatus(ref, { runtimeStatus: 'Completed' }))).rejects.toBeInstanceOf(
            InstanceGoneError,
        );
        await expect(
            store.step((ops) => ops.enqueue('p', 'e1', event(EventType.TaskCompleted, { TaskScheduledId: 0 }))),
        ).resolves.toBe(false);
        expect(await new SqliteStore(dir).loadAll()).toEqual([]);

        await store.step((ops) => ops.createInstance({ ...newRecord('p'), executionId: 'e2' }));
        await expect(store.step((ops) => ops.setStatus(ref, { runtimeStatus: 'Completed' }))).rejects.toBeInstanceOf(
            InstanceGoneError,
        );
        expect((await new SqliteStore(dir).loadAll()).map((r) => [r.executionId, r.runtimeStatus])).toEqual([
            ['e2', 'Pending'],
        ]);
    });

    it('continue-as-new: a new execution whose started message comes first, carrying the events that wait', async () => {
        const store = open();
        const record = newRecord('c');
        await store.step((ops) => ops.createInstance(record));
        const raised = event(EventType.EventRaised, { Name: 'go' });
        const late = event(EventType.TaskCompleted, { TaskScheduledId: 3 });
        await store.step((ops) => [ops.enqueue('c', undefined, raised), ops.enqueue('c', 'e1', late)]);
        const started = event(EventType.ExecutionStarted, { Name: 'hello', Input: '2' });
        await store.step((ops) => {
            ops.take('c', record.inbox);
            ops.replaceExecution(
                { ...record, executionId: 'e2', input: '2', history: [], runtimeStatus: 'Running' },
                'e1',
            );
            ops.dropMessages('c', (m) => m.EventType === EventType.EventRaised);
            ops.enqueue('c', 'e2', started, { front: true });
        });
        const [reloaded] = await new SqliteStore(dir).loadAll();
        expect(reloaded).toMatchObject({ executionId: 'e2', input: '2', history: [] });
        expect(reloaded.inbox.map((e) => e.EventType)).toEqual([EventType.ExecutionStarted, EventType.EventRaised]);
    });
});

describe('node:sqlite availability', () => {
    it('accepts the Node versions where node:sqlite loads without a flag, and says what to install otherwise', () => {
        expect(['22.13.0', '22.23.3', '23.4.0', '24.0.0'].filter(hasUnflaggedSqlite)).toHaveLength(4);
        expect(['20.18.0', '22.12.0', '23.3.0'].filter(hasUnflaggedSqlite)).toEqual([]);
        expect(() => openDatabase(':memory:', '22.12.0')).toThrow(
            /needs Node\.js 22\.13 or newer .*this is 22\.12\.0.*install a current Node 22 or later/,
        );
    });
});
