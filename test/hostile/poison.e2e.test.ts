import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { HANG_MS, httpJson, pollStatus, startLocalHost, type LocalHost } from '../support/localHost';

/**
 * Work that ends its worker every time it runs (an activity or an orchestrator calling process.exit, a
 * stack overflow nobody catches) is a poison message: redelivered on DurableTask.AzureStorage's backoff
 * (2^n s, at most 600 s, then logged as poison and retried every 600 s), its instance keeps Azure's status,
 * and the other instances run beside it, before and after a restart of the host (which keeps the counts). One backoff
 * "second" is 5 ms here (DURABLE_LOCAL_REDELIVERY_SECOND_MS), so the ten deliveries to poison take seconds, not 17
 * minutes.
 */
const APP = path.join(__dirname, '../apps/hostile');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const env = { DURABLE_LOCAL_REDELIVERY_SECOND_MS: '5' };
const POISON = { P1: 'activityAlwaysExits', P2: 'orchestratorAlwaysExits' };
let host: LocalHost;
let data: string;
const api = () => `${host.url}/runtime/webhooks/durabletask`;

interface Redelivery {
    key: string;
    functionName: string;
    deliveries: number;
    poison: boolean;
    lastError: string;
}
const redeliveries = async () => (await httpJson<Redelivery[]>('GET', `${api()}/redeliveries`)).body;

async function until<T>(
    what: string,
    read: () => Promise<T>,
    ok: (value: T) => boolean,
    timeoutMs = HANG_MS,
): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await read();
        if (ok(value)) return value;
        if (Date.now() > deadline)
            throw new Error(`${what} did not happen; last: ${JSON.stringify(value)}\n${host.output().slice(-3000)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

async function echoes(prefix: string, count: number): Promise<void> {
    const started = await Promise.all(
        Array.from({ length: count }, (_, i) =>
            httpJson('POST', `${api()}/orchestrators/echoOrchestration/${prefix}-${i}`, String(i), {
                'content-type': 'application/json',
            }),
        ),
    );
    expect(started.map((s) => s.status)).toEqual(started.map(() => 202));
    const done = await Promise.all(started.map((s) => pollStatus(s.body.statusQueryGetUri)));
    expect(done.map((s) => [s.runtimeStatus, s.output])).toEqual(done.map((_, i) => ['Completed', i]));
}

beforeAll(async () => {
    host = await startLocalHost({ app: APP, env });
    data = host.data;
});
afterAll(async () => {
    await host?.stop();
});

it("redelivers work that ends its worker on Azure's backoff until it is poison, while every other instance completes", async () => {
    for (const [id, name] of Object.entries(POISON))
        expect((await httpJson('POST', `${api()}/orchestrators/${name}/${id}`)).status).toBe(202);
    await echoes('beside', 5);

    const poisoned = await until('both poison', redeliveries, (list) =>
        ['P1 task 0', 'P2'].every((key) => list.some((r) => r.key === key && r.poison)),
    );
    expect(
        poisoned
            .filter((r) => r.poison)
            .map((r) => [r.key, r.functionName])
            .sort(),
    ).toEqual([
        ['P1 task 0', 'alwaysExits'],
        ['P2', 'orchestratorAlwaysExits'],
    ]);
    for (const entry of poisoned.filter((r) => r.poison)) expect(entry.deliveries).toBeGreaterThanOrEqual(10);
    expect(poisoned.find((r) => r.key === 'P1 task 0')?.lastError).toMatch(/exited \(exit code 7\)/);
    expect(host.output()).toMatch(
        /'alwaysExits' \(P1 task 0\) has been delivered 10 times and ended its worker each time: it is now considered poison/,
    );

    // A RangeError (stack overflow) nobody catches ends the worker the same way, and is redelivered the same way.
    expect((await httpJson('POST', `${api()}/orchestrators/activityOverflows/P3`)).status).toBe(202);
    await until('P3 redelivered', redeliveries, (list) => list.some((r) => r.key === 'P3 task 0' && r.deliveries >= 2));
    expect(host.output()).toMatch(
        /Worker uncaught exception \(running: overflowsLater\): RangeError: Maximum call stack size exceeded/,
    );

    // As Azure shows them: not failed, no output; an activity's instance is Running. The orchestrator that never got
    // past its first episode stays Pending: the tracking store writes Running only when an episode's work item
    // completes (DurableTask.AzureStorage AzureStorageOrchestrationService.CompleteTaskOrchestrationWorkItemAsync →
    // UpdateStateAsync, src/DurableTask.AzureStorage/AzureStorageOrchestrationService.cs), and an abandoned one writes
    // nothing.
    for (const id of ['P1', 'P3'])
        expect((await httpJson('GET', `${api()}/instances/${id}`)).body).toMatchObject({
            runtimeStatus: 'Running',
            output: null,
            customStatus: null,
        });
    expect((await httpJson('GET', `${api()}/instances/P2`)).body).toMatchObject({
        runtimeStatus: 'Pending',
        output: null,
    });

    // Still poison, still retried: other work completes at once.
    await echoes('after-poison', 3);
    expect(host.process.exitCode).toBeNull();
});

it('shows poison work in the dashboard: a badge in the list and the reason on the instance page', async () => {
    if (!existsSync(CHROMIUM))
        throw new Error(
            `No Chromium at ${CHROMIUM}. Install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH.`,
        );
    const browser: Browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    try {
        const page = await browser.newPage();
        await page.goto(`${api()}/dashboard/`);
        const row = page.locator('tr[data-instance-id="P1"]');
        await row.locator('.badge', { hasText: 'poison' }).waitFor({ timeout: HANG_MS });
        await expect(row.locator('.badge').first().textContent()).resolves.toBe('Running');
        await expect(page.locator('tr[data-instance-id="beside-0"] .badge').allTextContents()).resolves.toEqual([
            'Completed',
        ]);
        await row.getByRole('link', { name: 'P1' }).click();
        const alert = page.getByRole('alert');
        await alert.waitFor({ timeout: HANG_MS });
        expect(await alert.textContent()).toMatch(
            /^Poison: 'alwaysExits' ended its worker \d+ time\(s\); next attempt .*Last error: the worker process \(pid \d+\) exited \(exit code 7\)/,
        );
    } finally {
        await browser.close();
    }
});

it('terminates a poison orchestration without waiting out its redelivery delay', async () => {
    expect((await httpJson('POST', `${api()}/instances/P2/terminate?reason=poison`)).status).toBe(202);
    expect(await pollStatus(`${api()}/instances/P2`)).toMatchObject({ runtimeStatus: 'Terminated', output: 'poison' });
    // The entry goes when the engine handles the terminate (a moment after the status on a busy machine); 30 s is far
    // below the redelivery delay P2 was waiting out, so this still proves the wait was cut short.
    await until('P2 leaves the redeliveries', redeliveries, (list) => !list.some((r) => r.key === 'P2'), 30_000);
});

it('after a restart of the host, the poison work is redelivered again and never stops the other instances', async () => {
    await host.stop();
    host = await startLocalHost({ app: APP, env, data });
    // The counts are kept in the store, as Azure keeps the DequeueCount on the queue message: P1 is still poison
    // (it waits out its delay instead of crashing the new worker at once); terminated P2 left none.
    const kept = await redeliveries();
    expect(kept.find((r) => r.key === 'P1 task 0')).toMatchObject({ poison: true, functionName: 'alwaysExits' });
    expect(kept.find((r) => r.key === 'P1 task 0')!.deliveries).toBeGreaterThanOrEqual(10);
    expect(kept.some((r) => r.key === 'P2')).toBe(false);
    await until('P1 redelivered after the restart', redeliveries, (list) =>
        list.some((r) => r.key === 'P1 task 0' && r.deliveries > kept.find((k) => k.key === 'P1 task 0')!.deliveries),
    );
    await echoes('after-restart', 5);
    for (const id of ['P1', 'P3'])
        expect((await httpJson('GET', `${api()}/instances/${id}`)).body.runtimeStatus).toBe('Running');
    expect((await httpJson('GET', `${api()}/instances/P2`)).body.runtimeStatus).toBe('Terminated');
    expect(host.process.exitCode).toBeNull();
});
