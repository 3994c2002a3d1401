import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../tools/local-host/engine/engine';
import { SqliteStore } from '../../tools/local-host/store/sqliteStore';
import type { Store, StoreOps } from '../../tools/local-host/store/store';
import { AppHarness } from '../support/appHarness';

const mockHarness = new AppHarness();
jest.mock('@azure/functions-core', () => mockHarness.core.api, { virtual: true });

const df = require('durable-functions') as typeof import('durable-functions');
df.app.activity('double', { handler: (n: number) => n * 2 });
df.app.orchestration('twice', function* (context) {
    const once = yield context.df.callActivity('double', context.df.getInput());
    return yield context.df.callActivity('double', once);
});

/** The SQLite store, except that history appends for the ids in `failing` throw as a full disk would. */
function failingStore(inner: SqliteStore, failing: Set<string>): Store {
    return {
        entities: inner.entities,
        loadAll: () => inner.loadAll(),
        releaseHistory: (record) => inner.releaseHistory(record),
        close: () => inner.close(),
        step: (write, apply) =>
            inner.step((ops) => {
                const appendHistory: StoreOps['appendHistory'] = (ref, at, events) => {
                    if (failing.has(ref.instanceId))
                        throw new Error('SQLITE_FULL: database or disk is full (simulated)');
                    ops.appendHistory(ref, at, events);
                };
                return write({ ...ops, appendHistory });
            }, apply),
    };
}

let dir: string;
beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'store-steps-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function settle(
    engine: Engine,
    instanceId: string,
    done: (status: string | undefined) => boolean,
): Promise<void> {
    for (let i = 0; i < 400 && !done(engine.get(instanceId)?.runtimeStatus); i++)
        await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('engine steps through the store', () => {
    it('acknowledges a start only once it is on disk: another connection reads it when start() resolves', async () => {
        const engine = new Engine(mockHarness.core, new SqliteStore(dir));
        await engine.start('twice', '1', 'seen');
        const other = new SqliteStore(dir);
        expect((await other.loadAll()).map((r) => [r.instanceId, r.input])).toEqual([['seen', '1']]);
        await other.close();
        await settle(engine, 'seen', (s) => s === 'Completed');
        await engine.whenIdle();
        await engine.close();
    });

    it('stops only the instance whose step cannot be written, shows its last committed state, and resumes it after a restart', async () => {
        const failing = new Set<string>();
        const logs: string[] = [];
        const first = new Engine(mockHarness.core, failingStore(new SqliteStore(dir), failing), {
            log: (m) => logs.push(m),
        });
        await first.start('twice', '2', 'healthy');
        failing.add('doomed');
        await first.start('twice', '3', 'doomed');
        await settle(first, 'healthy', (s) => s === 'Completed');
        for (let i = 0; i < 400 && !logs.some((m) => m.includes("Instance 'doomed' stopped")); i++)
            await new Promise((resolve) => setTimeout(resolve, 5));
        expect(first.get('healthy')).toMatchObject({ runtimeStatus: 'Completed', output: '8' });
        expect(logs.find((m) => m.includes("Instance 'doomed' stopped"))).toMatch(
            /Could not write to durable\.db in the data directory: SQLITE_FULL: database or disk is full \(simulated\)\. Nothing of this step was kept/,
        );
        expect(first.get('doomed')).toMatchObject({ runtimeStatus: 'Pending', history: [] });
        await first.whenIdle();
        await first.close();

        const second = new Engine(mockHarness.core, new SqliteStore(dir));
        expect(await second.recover()).toBe(1);
        await settle(second, 'doomed', (s) => s === 'Completed');
        expect(second.get('doomed')).toMatchObject({ runtimeStatus: 'Completed', output: '12' });
        await second.whenIdle();
        await second.close();
    });
});
