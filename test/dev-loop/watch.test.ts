import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { httpJson, pollStatus, REPO_ROOT, startLocalHost, type LocalHost } from '../support/localHost';

/** `npm start -- --watch` on a scratch copy of the app: saved changes are served, durable state stays. */
let scratch: string;
let host: LocalHost;
const helloFile = () => path.join(scratch, 'src/functions/hello.ts');

beforeAll(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'durable-watch-'));
    for (const entry of ['src', 'package.json', 'host.json', 'tsconfig.json']) cpSync(path.join(REPO_ROOT, 'app', entry), path.join(scratch, entry), { recursive: true });
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(scratch, 'node_modules'), 'dir');
    writeFileSync(path.join(scratch, 'src/functions/waiter.ts'), [
        "import * as df from 'durable-functions';",
        "df.app.orchestration('greetAfterApproval', function* (context) {",
        "    yield context.df.waitForExternalEvent('Approval');",
        "    return yield context.df.callActivity('hello', 'Paris');",
        '});',
    ].join('\n'));
    host = await startLocalHost({ app: scratch, args: ['--watch'] });
});
afterAll(async () => {
    await host?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Waits until the host prints a line matching `pattern` after `mark` (an offset in its output). */
async function printed(pattern: RegExp, mark: number, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const match = pattern.exec(host.output().slice(mark));
        if (match) return match[0];
        if (Date.now() > deadline) throw new Error(`The host did not print ${pattern} within ${timeoutMs} ms:\n${host.output().slice(mark)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

async function runHello(): Promise<unknown> {
    const started = await httpJson('POST', `${host.url}/api/orchestrators/hello_orchestrator`);
    return (await pollStatus(started.body.statusQueryGetUri)).output;
}

it('serves a changed activity within a couple of seconds, keeps running orchestrations, and keeps the last good build on a syntax error', async () => {
    expect(host.output()).toContain(`Watching ${scratch} for changes`);
    expect(await runHello()).toEqual(['Hello Seattle', 'Hello Tokyo', 'Hello London']);
    const waiting = await httpJson('POST', `${host.url}/runtime/webhooks/durabletask/orchestrators/greetAfterApproval`);
    await pollStatus(waiting.body.statusQueryGetUri, { until: (s) => s.runtimeStatus === 'Running' });

    let mark = host.output().length;
    writeFileSync(helloFile(), readFileSync(helloFile(), 'utf8').replace("'Hello ' + city", "'Bonjour ' + city"));
    await printed(/Reloaded in \d+ ms/, mark);
    expect(host.output().slice(mark)).toContain('Changed: src/functions/hello.ts');
    expect(await runHello()).toEqual(['Bonjour Seattle', 'Bonjour Tokyo', 'Bonjour London']);

    // Started before the change: it goes on, on the new code, as after a deployment in Azure.
    const raised = await httpJson('POST', `${host.url}/runtime/webhooks/durabletask/instances/${waiting.body.id}/raiseEvent/Approval`, { ok: true });
    expect(raised.status).toBe(202);
    expect(await pollStatus(waiting.body.statusQueryGetUri)).toMatchObject({ runtimeStatus: 'Completed', output: 'Bonjour Paris' });

    mark = host.output().length;
    writeFileSync(helloFile(), readFileSync(helloFile(), 'utf8').replace("'Bonjour ' + city", "'Hola ' + city +"));
    const failure = await printed(/Build failed, the last good build keeps serving:\n.*hello\.ts:\d+:\d+: .+/, mark);
    expect(failure).toMatch(/Expected|Unexpected/);
    expect(await runHello()).toEqual(['Bonjour Seattle', 'Bonjour Tokyo', 'Bonjour London']);
});
