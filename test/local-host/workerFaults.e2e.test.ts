import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { HANG_MS, httpJson, pollStatus, startLocalHost, type LocalHost } from '../support/localHost';

/** The app runs in a worker process: what app code does to its process is the worker's problem, as in Azure. */
const FAULTS_APP = path.join(__dirname, '../apps/faults');
let host: LocalHost;
let scratch: string;
const api = () => `${host.url}/runtime/webhooks/durabletask`;

beforeAll(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'durable-faults-'));
    host = await startLocalHost({ app: FAULTS_APP });
});
afterAll(async () => {
    await host?.stop();
    rmSync(scratch, { recursive: true, force: true });
});

async function start(name: string, input: unknown, instanceId: string) {
    const started = await httpJson(
        'POST',
        `${api()}/orchestrators/${name}/${instanceId}`,
        input === undefined ? undefined : JSON.stringify(input),
    );
    expect(started.status).toBe(202);
    return started.body.statusQueryGetUri as string;
}

async function printed(pattern: RegExp, timeoutMs = HANG_MS): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const match = pattern.exec(host.output());
        if (match) return match;
        if (Date.now() > deadline) throw new Error(`The host did not print ${pattern}:\n${host.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

describe('worker faults', () => {
    it("ends a spinning activity at functionTimeout: its orchestration fails with the host's timeout message, the restarted worker runs the next ones", async () => {
        const spinner = await start('spinner', undefined, 'spin-1');

        const failed = await pollStatus(`${spinner}&showHistory=true`);
        expect(failed.runtimeStatus).toBe('Failed');
        expect(failed.output).toMatch(
            /Activity function 'spin' failed: Timeout value of 00:00:02 was exceeded by function: Functions\.spin/,
        );
        const taskFailed = (failed.historyEvents ?? []).find((e) => e.EventType === 'TaskFailed');
        expect(taskFailed).toMatchObject({ FunctionName: 'spin' });
        expect(JSON.stringify(taskFailed)).toContain(
            "Activity function 'spin' failed: Timeout value of 00:00:02 was exceeded by function: Functions.spin",
        );

        // Started after the spin: work sent to the worker while it spins waits on the blocked event loop, and on a
        // busy machine can reach its own functionTimeout (as it would in Azure), so it would prove nothing here.
        const quick = await Promise.all([1, 2, 3].map((n) => start('quick', n, `quick-${n}`)));
        const done = await Promise.all(quick.map((url) => pollStatus(url)));
        expect(done.map((s) => [s.runtimeStatus, s.output])).toEqual([
            ['Completed', 2],
            ['Completed', 4],
            ['Completed', 6],
        ]);
        expect(host.output()).toMatch(
            /Timeout value of 00:00:02 exceeded by function 'Functions\.spin' \(Id: '[0-9a-f-]{36}'\)\. Initiating cancellation\./,
        );
        expect(host.output()).toMatch(/Worker process \(pid \d+\) exited with signal SIGKILL\. Restarting it/);
    });

    it('process.exit in an activity does not stop the host: the worker restarts, the activity runs again (at least once) and the next orchestration completes', async () => {
        const marker = path.join(scratch, 'exited-once');
        const status = await pollStatus(await start('exitsOnce', marker, 'exit-1'));
        expect(status.runtimeStatus).toBe('Completed');
        const [, second, first] = /ran again in pid (\d+) after pid (\d+) exited/.exec(String(status.output)) ?? [];
        expect(first).toBeDefined();
        expect(second).not.toBe(first);
        await printed(new RegExp(`Worker process \\(pid ${first}\\) exited with exit code 3`));
        expect(host.output()).toMatch(
            /Activity 'exitOnce' \(instance exit-1, task 0\) was interrupted: .*; running it again/,
        );

        expect(await pollStatus(await start('quick', 21, 'after-exit'))).toMatchObject({
            runtimeStatus: 'Completed',
            output: 42,
        });
        expect(host.process.exitCode).toBeNull();
    });

    it("a late throw from a timer in app code is the worker's: logged with the function's name, the host keeps serving", async () => {
        const answered = await httpJson('POST', `${host.url}/api/lateThrow`);
        expect(answered).toMatchObject({ status: 200, text: 'answered' });
        await printed(/Worker uncaught exception \(after function 'lateThrow' ran\): Error: a late throw from a timer/);
        await printed(/Worker process \(pid \d+\) exited with exit code 1/);
        expect(await pollStatus(await start('quick', 5, 'after-throw'))).toMatchObject({
            runtimeStatus: 'Completed',
            output: 10,
        });
        expect(host.process.exitCode).toBeNull();
    });

    it('gives the app WEBSITE_HOSTNAME as Azure and Core Tools do (localhost and the bound port), in the first worker and in restarted ones', async () => {
        const port = new URL(host.url).port;
        expect(await httpJson('GET', `${host.url}/api/hostname`)).toMatchObject({
            status: 200,
            text: `localhost:${port}`,
        });
        const exits = () => host.output().match(/Worker process \(pid \d+\) exited with exit code 1/g)?.length ?? 0;
        const before = exits();
        await httpJson('POST', `${host.url}/api/lateThrow`);
        await printed(new RegExp(`(Worker process \\(pid \\d+\\) exited with exit code 1[\\s\\S]*){${before + 1}}`));
        expect(await pollStatus(await start('quick', 1, 'after-second-throw'))).toMatchObject({
            runtimeStatus: 'Completed',
            output: 2,
        });
        expect(await httpJson('GET', `${host.url}/api/hostname`)).toMatchObject({
            status: 200,
            text: `localhost:${port}`,
        });
    });
});
