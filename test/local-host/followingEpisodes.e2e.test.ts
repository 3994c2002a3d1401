import childProcess, { type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadApp, type LoadedApp } from '../../tools/local-host/app-loading/loadApp';
import { Engine } from '../../tools/local-host/engine/engine';
import { isTerminal, MemoryStore } from '../../tools/local-host/store/store';
import { EventType } from '../../tools/local-host/model/history';
import { invokeActivity } from '../../tools/local-host/triggers/durable';
import type { HostMessage } from '../../tools/local-host/worker-process/protocol';
import { HANG_MS, httpJson, pollStatus, startLocalHost, type LocalHost } from '../support/localHost';

const { compileTs } = require('../../tools/cli/compileTs') as {
    compileTs: (entry: string, outName: string, options: { outDir: string }) => string;
};

/**
 * A sequence's step crosses the worker channel once each way: the activity's invocation carries the episode that
 * follows it, which the worker runs right after the activity (worker-process/protocol.ts FollowingEpisode). The engine
 * uses that answer only when it is still the episode it would run; the orchestration behaves exactly as without it.
 */
const FAULTS_APP = path.join(__dirname, '../apps/faults');
let scratch: string;

beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'durable-following-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('what crosses the worker channel', () => {
    let app: LoadedApp;
    let sent: HostMessage[];
    const fork = childProcess.fork;

    beforeAll(async () => {
        const workerScript = compileTs(
            path.join(__dirname, '../../tools/local-host/worker-process/workerMain.ts'),
            'worker.js',
            { outDir: path.join(scratch, 'worker') },
        );
        // What the host writes to its worker's channel, as the worker reads it.
        jest.spyOn(childProcess, 'fork').mockImplementation((...args: Parameters<typeof fork>) => {
            const child: ChildProcess = fork(...args);
            const send = child.send.bind(child) as (...a: unknown[]) => boolean;
            child.send = ((...a: unknown[]) => {
                const message = a[0] as HostMessage | { type: 'batch'; messages: HostMessage[] };
                sent?.push(...(message.type === 'batch' ? message.messages : [message as HostMessage]));
                return send(...a);
            }) as ChildProcess['send'];
            return child;
        });
        app = await loadApp(FAULTS_APP, path.join(scratch, 'build'), { workerScript, log: () => undefined });
    });
    afterAll(async () => {
        jest.restoreAllMocks();
        await app?.functions.close();
    });

    it('sends each activity with the episode that follows it, and no episode of its own after the first', async () => {
        sent = [];
        const engine = new Engine(app.functions, new MemoryStore());
        const { instanceId } = await engine.start('steps', JSON.stringify({ n: 5 }));
        const record = await ended(engine, instanceId);

        expect([record.runtimeStatus, JSON.parse(record.output!)]).toEqual(['Completed', [0, 2, 4, 6, 8]]);
        const invokes = sent.filter((m) => m.type === 'invoke');
        expect(invokes).toHaveLength(5);
        expect(invokes.every((m) => m.type === 'invoke' && m.then?.functionName === 'steps')).toBe(true);
        expect(sent.filter((m) => m.type === 'episode')).toHaveLength(1);
    });

    it("writes invocations in the caller's turn: a fan-out's first batch leaves while the engine dispatches the rest", async () => {
        sent = [];
        const results = Array.from({ length: 64 }, (_, i) =>
            invokeActivity(app.functions, 'double', JSON.stringify(i), { key: `fan task ${i}`, instanceId: 'fan' }),
        );
        // Nothing awaited yet: the 64th invocation filled a batch, which went to the worker at once.
        expect(sent.filter((m) => m.type === 'invoke')).toHaveLength(64);
        expect(await Promise.all(results)).toEqual(Array.from({ length: 64 }, (_, i) => JSON.stringify(i * 2)));
    });

    it('sends no following episode when an activity is not the only work (a fan-out, a timer beside it)', async () => {
        sent = [];
        const engine = new Engine(app.functions, new MemoryStore());
        const { instanceId } = await engine.start('stepThenTimer', undefined);
        const record = await ended(engine, instanceId);
        expect(record.runtimeStatus).toBe('Completed');
        // Two steps with following episodes; the timer's episode is sent on its own.
        expect(sent.filter((m) => m.type === 'invoke' && m.then)).toHaveLength(2);
        expect(sent.filter((m) => m.type === 'episode')).toHaveLength(2);
    });

    it("sends none on a clock of its own (the test kit's): the worker would stamp the episode with another clock", async () => {
        sent = [];
        const engine = new Engine(app.functions, new MemoryStore(), { now: () => new Date() });
        const { instanceId } = await engine.start('steps', JSON.stringify({ n: 2 }));
        expect((await ended(engine, instanceId)).runtimeStatus).toBe('Completed');
        expect(sent.filter((m) => m.type === 'invoke' && m.then)).toHaveLength(0);
        expect(sent.filter((m) => m.type === 'episode')).toHaveLength(3);
    });

    it('asks again for an episode that results already sent by the worker overtook: two episodes commit, not three', async () => {
        sent = [];
        const engine = new Engine(app.functions, new MemoryStore());
        const { instanceId } = await engine.start('fanOut', JSON.stringify(500));
        const record = await ended(engine, instanceId);

        expect([record.runtimeStatus, JSON.parse(record.output!)]).toEqual(['Completed', 249500]);
        const episodes = record.history.filter((e) => e.EventType === EventType.OrchestratorStarted);
        expect(episodes).toHaveLength(2);
        // The first request after the first results was answered as stale and asked for again.
        expect(sent.filter((m) => m.type === 'episode' && m.seen !== undefined).length).toBeGreaterThanOrEqual(2);
    });
});

describe('following episodes on the host', () => {
    let host: LocalHost;
    const api = () => durableApi(host);
    const start = (name: string, input: unknown, id: string) => startOn(host, name, input, id);

    beforeAll(async () => {
        host = await startLocalHost({ app: FAULTS_APP, env: { DURABLE_LOCAL_REDELIVERY_SECOND_MS: '50' } });
    });
    afterAll(async () => host?.stop());

    it('an orchestrator that hangs right after its step is timed out as itself; the step is not run again', async () => {
        const marker = path.join(scratch, 'hang-runs');
        const status = await pollStatus(await start('hangsAfterStep', marker, 'hang-1'));

        expect([status.runtimeStatus, status.output]).toEqual(['Completed', 1]);
        expect(readFileSync(marker, 'utf8')).toBe('ran\n');
        expect(host.output()).toMatch(/Timeout value of 00:00:02 exceeded by function 'Functions\.hangsAfterStep'/);
        expect(host.output()).not.toMatch(/exceeded by function 'Functions\.countRun'/);
    });

    it('an orchestrator that ends its worker right after its step is redelivered and completes', async () => {
        const marker = path.join(scratch, 'exit-runs');
        const status = await pollStatus(await start('exitsAfterStep', marker, 'exit-after-1'));

        expect(status.runtimeStatus).toBe('Completed');
        // The step's answer left the worker before the exit, but the host may learn of the exit first: then the step
        // runs again (at least once, as in Azure), and never more.
        expect([1, 2]).toContain(status.output);
        expect(host.output()).toMatch(/Worker process \(pid \d+\) exited with exit code 4/);
    });

    it("replays a timer set from the time the step's episode saw: no nondeterminism, the timer fires", async () => {
        const status = await pollStatus(await start('stepThenTimer', null, 'timer-1'));

        expect(status.runtimeStatus).toBe('Completed');
        expect((status.output as unknown[]).slice(0, 2)).toEqual([2, 4]);
        expect(host.output()).not.toMatch(/timer-1\) is not deterministic/);
    });

    it('an event raised while the step runs is not lost: the episode run ahead of it is set aside', async () => {
        const file = path.join(scratch, 'release');
        const url = await start('steps', { n: 2, marker: file, wait: true }, 'raised-1');
        await reaches(url, 'Running');
        const raised = await httpJson('POST', `${api()}/instances/raised-1/raiseEvent/go`, JSON.stringify('event'));
        expect(raised.status).toBe(202);
        await waitFor(async () => {
            const history = (await httpJson('GET', `${url}&showHistory=true`)).body.historyEvents as {
                EventType: string;
            }[];
            return history.some((e) => e.EventType === 'EventRaised');
        });
        writeFileSync(file, '');

        const status = await pollStatus(url);
        expect([status.runtimeStatus, status.output]).toEqual(['Completed', [0, 'file', 'event']]);
    });
});

describe('following episodes and client operations', () => {
    let host: LocalHost;
    const api = () => durableApi(host);
    /** Starts `steps` with one step that waits for `file`; resolves with its status URL once that step runs. */
    const startWaiting = async (id: string, file: string): Promise<string> => {
        const url = await startOn(host, 'steps', { n: 1, marker: file }, id);
        await reaches(url, 'Running');
        return url;
    };

    beforeAll(async () => {
        host = await startLocalHost({ app: FAULTS_APP });
    });
    afterAll(async () => host?.stop());

    it('a step that completes while its instance is suspended is replayed after the resume', async () => {
        const file = path.join(scratch, 'release-suspended');
        const url = await startWaiting('susp-1', file);
        expect((await httpJson('POST', `${api()}/instances/susp-1/suspend`)).status).toBe(202);
        await reaches(url, 'Suspended');
        writeFileSync(file, '');
        // The step has returned: its result waits in the inbox while the instance is suspended, as in Azure.
        await waitFor(async () => !existsSync(file));
        expect((await httpJson('GET', url)).body.runtimeStatus).toBe('Suspended');
        expect((await httpJson('POST', `${api()}/instances/susp-1/resume`)).status).toBe(202);

        const status = await pollStatus(url);
        expect([status.runtimeStatus, status.output]).toEqual(['Completed', ['file']]);
    });

    it('an instance terminated while its step runs stays terminated when the step ends', async () => {
        const file = path.join(scratch, 'release-terminated');
        const url = await startWaiting('term-1', file);
        expect((await httpJson('POST', `${api()}/instances/term-1/terminate?reason=stop`)).status).toBe(202);
        await reaches(url, 'Terminated');
        writeFileSync(file, '');
        // The step's result and the episode run after it arrive for an execution that is over: both are dropped.
        const next = await pollStatus(
            (await httpJson('POST', `${api()}/orchestrators/steps/after-term`, JSON.stringify({ n: 2 }))).body
                .statusQueryGetUri as string,
        );
        expect([next.runtimeStatus, next.output]).toEqual(['Completed', [0, 2]]);
        expect((await httpJson('GET', url)).body).toMatchObject({ runtimeStatus: 'Terminated', output: 'stop' });
    });
});

const durableApi = (host: LocalHost): string => `${host.url}/runtime/webhooks/durabletask`;

/** Starts an orchestration under the given id through the Durable HTTP API; its status URL. */
async function startOn(host: LocalHost, name: string, input: unknown, id: string): Promise<string> {
    const started = await httpJson('POST', `${durableApi(host)}/orchestrators/${name}/${id}`, JSON.stringify(input));
    expect(started.status).toBe(202);
    return started.body.statusQueryGetUri as string;
}

async function reaches(url: string, runtimeStatus: string): Promise<void> {
    await waitFor(async () => (await httpJson('GET', url)).body.runtimeStatus === runtimeStatus);
}

async function ended(engine: Engine, instanceId: string) {
    await waitFor(async () => {
        const record = engine.get(instanceId);
        return record !== undefined && isTerminal(record);
    });
    return engine.get(instanceId)!;
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + HANG_MS;
    while (!(await check())) {
        if (Date.now() > deadline) throw new Error('still waiting after HANG_MS');
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}
