import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { httpJson, pollStatus, REPO_ROOT, startLocalHost, type LocalHost } from '../support/localHost';

/**
 * `npm start -- --watch` on a scratch copy of a TypeScript app (the fixture test/apps/workflow): saved changes are
 * served, durable state stays.
 */
const WORKFLOW_APP = path.join(REPO_ROOT, 'test/apps/workflow');
let scratch: string;
let host: LocalHost;
const ordersFile = () => path.join(scratch, 'src/functions/orders.ts');

beforeAll(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'durable-watch-'));
    for (const entry of ['src', 'package.json', 'host.json', 'tsconfig.json'])
        cpSync(path.join(WORKFLOW_APP, entry), path.join(scratch, entry), { recursive: true });
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(scratch, 'node_modules'), 'dir');
    writeFileSync(
        path.join(scratch, 'src/functions/waiter.ts'),
        [
            "import * as df from 'durable-functions';",
            "df.app.orchestration('chargeAfterApproval', function* (context) {",
            "    yield context.df.waitForExternalEvent('Approval');",
            "    return yield context.df.callActivity('chargeCard', { id: 'Paris', items: 1 });",
            '});',
        ].join('\n'),
    );
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
        if (Date.now() > deadline)
            throw new Error(`The host did not print ${pattern} within ${timeoutMs} ms:\n${host.output().slice(mark)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

async function receipt(): Promise<unknown> {
    const started = await httpJson('POST', `${host.url}/v1/workflows/processOrder`, { id: 'o-1', items: 1 });
    return ((await pollStatus(started.body.statusQueryGetUri)).output as { receipt: unknown }).receipt;
}

it('serves a changed activity within a couple of seconds, keeps running orchestrations, and keeps the last good build on a syntax error', async () => {
    expect(host.output()).toContain(`Watching ${scratch} for changes`);
    expect(await receipt()).toBe('charged o-1');
    const waiting = await httpJson(
        'POST',
        `${host.url}/runtime/webhooks/durabletask/orchestrators/chargeAfterApproval`,
    );
    await pollStatus(waiting.body.statusQueryGetUri, { until: (s) => s.runtimeStatus === 'Running' });

    let mark = host.output().length;
    writeFileSync(
        ordersFile(),
        readFileSync(ordersFile(), 'utf8').replace('`charged ${order.id}`', '`billed ${order.id}`'),
    );
    await printed(/Reloaded in \d+ ms/, mark);
    expect(host.output().slice(mark)).toContain('Changed: src/functions/orders.ts');
    expect(await receipt()).toBe('billed o-1');

    // Started before the change: it goes on, on the new code, as after a deployment in Azure.
    const raised = await httpJson(
        'POST',
        `${host.url}/runtime/webhooks/durabletask/instances/${waiting.body.id}/raiseEvent/Approval`,
        { ok: true },
    );
    expect(raised.status).toBe(202);
    expect(await pollStatus(waiting.body.statusQueryGetUri)).toMatchObject({
        runtimeStatus: 'Completed',
        output: 'billed Paris',
    });

    mark = host.output().length;
    writeFileSync(
        ordersFile(),
        readFileSync(ordersFile(), 'utf8').replace('`billed ${order.id}`', '`billed ${order.id}` +'),
    );
    const failure = await printed(/Build failed, the last good build keeps serving:\n.*orders\.ts:\d+:\d+: .+/, mark);
    expect(failure).toMatch(/Expected|Unexpected/);
    expect(await receipt()).toBe('billed o-1');
});
