import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { statusJson } from '../../tools/local-host/durable-api/statusJson';
import { executionStarted } from '../../tools/local-host/engine/inbox';
import { EventType, historyEvent } from '../../tools/local-host/model/history';
import type { InstanceRecord } from '../../tools/local-host/model/instance';
import { openDatabase } from '../../tools/local-host/store/sqlite';
import { SqliteStore } from '../../tools/local-host/store/sqliteStore';
import { Redeliveries } from '../../tools/local-host/worker-channel/redelivery';
import { WorkerExitedError } from '../../tools/local-host/worker-channel/workerProcess';

let dir: string;
const stores: SqliteStore[] = [];
const open = (): SqliteStore => {
    const store = new SqliteStore(dir, () => undefined);
    stores.push(store);
    return store;
};
beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'durable-schema-'));
});
afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
});

const at = new Date('2026-01-01T00:00:00Z');
const started = (id: string, version?: string) => executionStarted(at, 'hello', id, '"x"', undefined, version);
const byId = (records: InstanceRecord[]) => new Map(records.map((r) => [r.instanceId, r]));

/** The database as the first SQLite host wrote it (schema version 1: no version column, no redelivery table). */
const SCHEMA_1 = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE instances (instance_id TEXT PRIMARY KEY, execution_id TEXT NOT NULL, name TEXT NOT NULL, runtime_status TEXT NOT NULL,
    input TEXT, output TEXT, custom_status TEXT, created_time TEXT NOT NULL, last_updated_time TEXT NOT NULL, parent TEXT) WITHOUT ROWID;
CREATE TABLE history (instance_id TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL, PRIMARY KEY (instance_id, seq)) WITHOUT ROWID;
CREATE TABLE messages (id INTEGER PRIMARY KEY, instance_id TEXT NOT NULL, event TEXT NOT NULL);
CREATE INDEX messages_by_instance ON messages (instance_id, id);
CREATE TABLE entities (scheduler_id TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('schema', '1');
`;

function writeSchema1Database(): void {
    const db = openDatabase(path.join(dir, 'durable.db'));
    db.exec('PRAGMA journal_mode = WAL;');
    db.exec(SCHEMA_1);
    const instance = db.prepare('INSERT INTO instances VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const history = db.prepare('INSERT INTO history VALUES (?, ?, ?)');
    const t = at.toISOString();
    instance.run('done', 'e1', 'hello', 'Completed', '"x"', '"Hello x"', null, t, t, null);
    [
        historyEvent(EventType.OrchestratorStarted, at),
        started('done', '1.5'),
        historyEvent(EventType.ExecutionCompleted, at, { Result: '"Hello x"' }),
    ].forEach((e, i) => history.run('done', i, JSON.stringify(e)));
    instance.run('waiting', 'e2', 'hello', 'Pending', '"x"', null, null, t, t, null);
    db.prepare('INSERT INTO messages (instance_id, event) VALUES (?, ?)').run(
        'waiting',
        JSON.stringify(started('waiting', '2.0')),
    );
    instance.run('unversioned', 'e3', 'hello', 'Running', '"x"', null, '"step 1"', t, t, null);
    history.run('unversioned', 0, JSON.stringify(started('unversioned')));
    db.prepare('INSERT INTO entities VALUES (?, ?)').run('@counter@c1', JSON.stringify({ exists: true, state: '7' }));
    db.close();
}

describe('the database schema', () => {
    it("upgrades a database of schema version 1 in place: every instance, history, message and entity kept, each instance's version read from its ExecutionStarted event", async () => {
        writeSchema1Database();
        const store = open();
        const loaded = byId(await store.loadAll());
        expect([...loaded.keys()].sort()).toEqual(['done', 'unversioned', 'waiting']);
        expect(loaded.get('done')).toMatchObject({ runtimeStatus: 'Completed', output: '"Hello x"', version: '1.5' });
        expect(loaded.get('done')!.history.map((e) => e.EventType)).toEqual([
            EventType.OrchestratorStarted,
            EventType.ExecutionStarted,
            EventType.ExecutionCompleted,
        ]);
        expect(loaded.get('waiting')).toMatchObject({ runtimeStatus: 'Pending', version: '2.0' });
        expect(loaded.get('waiting')!.inbox.map((e) => e.EventType)).toEqual([EventType.ExecutionStarted]);
        expect(loaded.get('unversioned')).toMatchObject({ runtimeStatus: 'Running', customStatus: '"step 1"' });
        expect(loaded.get('unversioned')!.version).toBeUndefined();
        expect(store.entities.read('@counter@c1')).toMatchObject({ exists: true, state: '7' });
        expect(statusJson(loaded.get('waiting')!)).toMatchObject({ runtimeStatus: 'Pending', version: '2.0' });
        await store.close();

        // The upgrade is recorded: a second start reads the same data without upgrading again.
        const again = byId(await open().loadAll());
        expect(again.get('done')).toMatchObject({ version: '1.5', output: '"Hello x"' });
        const db = openDatabase(path.join(dir, 'durable.db'));
        expect(db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).get()).toEqual(
            expect.objectContaining({ value: '2' }),
        );
        db.close();
    });

    it('refuses a database written by a newer host, and says what to do', async () => {
        const db = openDatabase(path.join(dir, 'durable.db'));
        db.exec(
            `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID; INSERT INTO meta VALUES ('schema', '99');`,
        );
        db.close();
        expect(() => open()).toThrow(
            /schema version 99; this host reads version 2\. Use the host version that wrote it, or start with a new --data directory/,
        );
    });
});

describe('the version in status answers', () => {
    it("comes from the instance record: a finished instance's status never reads its history", async () => {
        const store = open();
        const record: InstanceRecord = {
            instanceId: 'v',
            name: 'hello',
            executionId: 'e1',
            runtimeStatus: 'Pending',
            version: '3.1',
            input: '"x"',
            createdTime: at.toISOString(),
            lastUpdatedTime: at.toISOString(),
            history: [],
            inbox: [started('v', '3.1')],
        };
        await store.step((ops) => ops.createInstance(record));
        await store.step((ops) =>
            ops.setStatus({ instanceId: 'v', executionId: 'e1' }, { runtimeStatus: 'Completed', output: '"done"' }),
        );
        await store.close();
        const [loaded] = await open().loadAll();
        Object.defineProperty(loaded, 'history', {
            get: () => {
                throw new Error('read the history');
            },
        });
        expect(statusJson(loaded)).toMatchObject({
            instanceId: 'v',
            runtimeStatus: 'Completed',
            version: '3.1',
            output: 'done',
        });
        expect(() => statusJson(loaded, { showHistory: true })).toThrow('read the history');
    });
});

describe('redelivery counts (poison messages)', () => {
    const crash = () => Promise.reject(new WorkerExitedError('the worker process (pid 1) exited (exit code 7)'));
    const newInstance = (id: string): InstanceRecord => ({
        instanceId: id,
        name: 'hello',
        executionId: 'e1',
        runtimeStatus: 'Running',
        createdTime: at.toISOString(),
        lastUpdatedTime: at.toISOString(),
        history: [],
        inbox: [],
    });

    it('survive a restart of the host, as Azure keeps the DequeueCount on the queue message: poison stays poison and keeps its next attempt', async () => {
        let store = open();
        await store.step((ops) => ops.createInstance(newInstance('P1')));
        const now = Date.parse('2026-12-02T00:00:00Z');
        const before = new Redeliveries(
            () => undefined,
            1,
            () => now,
            store.redeliveries,
        );
        for (let i = 0; i < 10; i++)
            await expect(
                before.run({ key: 'P1 task 0', instanceId: 'P1' }, 'alwaysExits', crash),
            ).rejects.toBeInstanceOf(WorkerExitedError);
        const [poison] = before.list();
        expect(poison).toMatchObject({ key: 'P1 task 0', deliveries: 10, poison: true });
        await store.close();

        store = open();
        const after = new Redeliveries(
            () => undefined,
            1,
            () => now,
            store.redeliveries,
        );
        expect(after.list()).toEqual([poison]);
        // The next crash counts on from there: 11 deliveries, still poison.
        await expect(after.run({ key: 'P1 task 0', instanceId: 'P1' }, 'alwaysExits', crash)).rejects.toBeInstanceOf(
            WorkerExitedError,
        );
        expect(after.list()).toEqual([expect.objectContaining({ key: 'P1 task 0', deliveries: 11, poison: true })]);
    });

    it('go when the work succeeds, or when its instance is purged', async () => {
        let store = open();
        await store.step((ops) => ops.createInstance(newInstance('A')));
        await store.step((ops) => ops.createInstance(newInstance('B')));
        const r = new Redeliveries(() => undefined, 1, Date.now, store.redeliveries);
        await expect(r.run({ key: 'A', instanceId: 'A' }, 'orch', crash)).rejects.toThrow();
        await expect(r.run({ key: 'B task 3', instanceId: 'B' }, 'act', crash)).rejects.toThrow();
        await expect(r.run({ key: 'A', instanceId: 'A' }, 'orch', async () => 'done')).resolves.toBe('done');
        await store.step((ops) => ops.purge('B'));
        await store.close();

        store = open();
        expect(new Redeliveries(() => undefined, 1, Date.now, store.redeliveries).list()).toEqual([]);
    });
});
