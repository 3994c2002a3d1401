import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../tools/local-host/engine/engine';
import { rewind } from '../../tools/local-host/engine/rewind';
import { SqliteStore } from '../../tools/local-host/store/sqliteStore';
import { AppHarness } from '../support/appHarness';

const mockHarness = new AppHarness();
jest.mock('@azure/functions-core', () => mockHarness.core.api, { virtual: true });

const df = require('durable-functions') as typeof import('durable-functions');
const broken = new Set<string>();
df.app.activity('fragile', {
    handler: (input: string) => {
        if (broken.has(input)) throw new Error(`broken for ${input}`);
        return `fixed ${input}`;
    },
});
df.app.orchestration('child', function* (context) {
    return yield context.df.callActivity('fragile', context.df.getInput());
});
/** The first run ends (failing, while broken) only once released: after a fast failure has failed its parent. */
let release: () => void = () => undefined;
const gate = new Promise<void>((resolve) => (release = resolve));
let lateRuns = 0;
let lateFinished: Promise<void> = Promise.resolve();
df.app.activity('late', {
    handler: async (input: string) => {
        let finished: () => void = () => undefined;
        lateFinished = new Promise((resolve) => (finished = resolve));
        if (lateRuns++ === 0) await gate;
        setImmediate(finished);
        if (broken.has(input)) throw new Error(`broken for ${input}`);
        return `late ${input}`;
    },
});
df.app.orchestration('fanOut', function* (context) {
    return yield context.df.Task.all([context.df.callActivity('fragile', 'a'), context.df.callActivity('late', 'z')]);
});
df.app.orchestration('parent', function* (context) {
    const first = yield context.df.callActivity('fragile', 'a');
    const second = yield context.df.callSubOrchestrator('child', 'b', 'parent-child');
    return [first, second];
});

let dir: string;
let engine: Engine;
beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rewind-'));
    engine = new Engine(mockHarness.core, new SqliteStore(dir));
});
afterEach(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
});

async function settle(instanceId: string, status: string): Promise<void> {
    for (let i = 0; i < 400 && engine.get(instanceId)?.runtimeStatus !== status; i++) {
        await engine.whenIdle();
        await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(engine.get(instanceId)?.runtimeStatus).toBe(status);
}

describe('rewind', () => {
    it('re-runs a failed sub-orchestration (rewinding it too), keeping what succeeded', async () => {
        broken.add('b');
        await engine.start('parent', undefined, 'p1');
        await settle('p1', 'Failed');
        expect(engine.get('parent-child')!.runtimeStatus).toBe('Failed');
        broken.clear();
        expect(await rewind(engine, engine.get('p1')!, 'fixed')).toBe(true);
        await settle('p1', 'Completed');
        expect(JSON.parse(engine.get('p1')!.output!)).toEqual(['fixed a', 'fixed b']);
        expect(engine.get('parent-child')!.runtimeStatus).toBe('Completed');
    });

    it('re-runs a failed activity', async () => {
        broken.add('a');
        await engine.start('parent', undefined, 'p2');
        await settle('p2', 'Failed');
        broken.clear();
        await rewind(engine, engine.get('p2')!, undefined);
        await settle('p2', 'Completed');
        expect(JSON.parse(engine.get('p2')!.output!)).toEqual(['fixed a', 'fixed b']);
        expect(await rewind(engine, engine.get('p2')!, undefined)).toBe(false);
    });

    it('finishes when a failure that arrived after the instance failed belonged to a task still outstanding (Task.all failed fast)', async () => {
        broken.add('a');
        broken.add('z');
        await engine.start('fanOut', undefined, 'p3');
        await settle('p3', 'Failed');
        release();
        await lateFinished;
        // The late failure is kept beside the Failed instance (not in its history): the rewind runs that task again.
        const lateFailure = (): boolean =>
            engine.get('p3')!.inbox.some((e) => e.EventType === 6 && e.TaskScheduledId === 1);
        for (let i = 0; i < 400 && !lateFailure(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
        expect(lateFailure()).toBe(true);
        expect(engine.get('p3')!.history.some((e) => e.EventType === 6 && e.TaskScheduledId === 1)).toBe(false);
        broken.clear();
        expect(await rewind(engine, engine.get('p3')!, 'fixed')).toBe(true);
        await settle('p3', 'Completed');
        expect(JSON.parse(engine.get('p3')!.output!)).toEqual(['fixed a', 'late z']);
    });
});
