import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { run } from '../../tools/dashboard/cli';
import type { RunningProxy } from '../../tools/dashboard/proxy';
import { KEY_PLACEHOLDER } from '../../tools/dashboard/scrub';
import { FakeArm, SITE_ID } from '../deploy/fakeArm';
import { tokenForScope } from '../deploy/fakeServer';
import { httpJson, pollStatus, REPO_ROOT, startLocalHost, type LocalHost } from '../support/localHost';

/**
 * `npm run dashboard -- --stack dev` end to end, offline: the local host stands in for the deployed app
 * and requires the Durable extension's system key as Azure does (--require-system-key), a fake ARM answers
 * listkeys, a fake Pulumi CLI prints the stack outputs, and real headless Chromium drives the proxied page.
 */
// A key with the characters that change under URL and JSON encoding.
const KEY = `dk/9+Q=${randomBytes(30).toString('base64')}`;
const API = '/runtime/webhooks/durabletask';
const UNREAD = '(body not readable)';

let host: LocalHost;
let arm: FakeArm;
let browser: Browser;
let page: Page;
let readOnly: RunningProxy;
let withActions: RunningProxy | undefined;
const lines: string[] = [];
const seen: Promise<string>[] = [];
const pageErrors: string[] = [];

function dashboardDeps() {
    const outputs = {
        functionAppName: 'func-hello',
        resourceGroupName: 'rg-hello',
        defaultHostName: `127.0.0.1:${host.port}`,
        functionAppId: SITE_ID,
        starterKey: '[secret]',
    };
    return {
        arm: { baseUrl: arm.baseUrl, fetch, getToken: async (scope: string) => tokenForScope(scope) },
        runPulumi: async () => ({ code: 0, stdout: JSON.stringify(outputs), stderr: '' }),
        log: (line: string) => void lines.push(line),
        error: (line: string) => void lines.push(line),
    };
}

async function openDashboard(argv: string[]): Promise<RunningProxy> {
    const result = await run(['--stack', 'dev', '--port', '0', ...argv], dashboardDeps());
    if (!result.dashboard) throw new Error(`the dashboard did not start:\n${lines.join('\n')}`);
    return result.dashboard;
}

/** A request with a Host header of our choosing (fetch does not allow one). */
function requestWithHost(url: string, hostHeader: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const req = httpRequest(url, { headers: { host: hostHeader } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
    });
}

const withKey = (url: string) => `${url}${url.includes('?') ? '&' : '?'}code=${encodeURIComponent(KEY)}`;

beforeAll(async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'durable-remote-'));
    writeFileSync(path.join(data, 'secrets.json'), JSON.stringify({ systemKeys: { durabletask_extension: KEY } }));
    [host, browser] = await Promise.all([
        startLocalHost({ app: path.join(REPO_ROOT, 'test/apps/waiter'), data, args: ['--require-system-key'] }),
        launchChromium(),
    ]);
    arm = await new FakeArm({
        site: { defaultHostName: `127.0.0.1:${host.port}`, systemKeys: { durabletask_extension: KEY } },
    }).start();
    readOnly = await openDashboard([]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // Everything the browser receives: status line, headers and body of every response (a body the page
    // dropped by navigating away can no longer be read: it counts as unread).
    page.on('response', (response) => {
        const body = Promise.race([
            response.text(),
            new Promise<string>((resolve) => setTimeout(() => resolve(UNREAD), 2000)),
        ]).catch(() => UNREAD);
        seen.push(
            body.then((text) => `${response.url()} ${response.status()} ${JSON.stringify(response.headers())} ${text}`),
        );
    });
});

afterAll(async () => {
    await browser?.close();
    await readOnly?.close();
    await withActions?.close();
    await arm?.stop();
    await host?.stop();
});

describe('the local host in system-key mode (the stand-in for Azure)', () => {
    it('answers 401 to the Durable API without the key, serves it with the key, and its own durable client still works', async () => {
        expect((await httpJson('GET', `${host.url}${API}/instances`)).status).toBe(401);
        expect((await httpJson('GET', `${host.url}${API}/instances?code=wrong`)).status).toBe(401);
        expect((await httpJson('GET', withKey(`${host.url}${API}/instances`))).status).toBe(200);
        expect(
            (await httpJson('GET', `${host.url}${API}/instances`, undefined, { 'x-functions-key': KEY })).status,
        ).toBe(200);
        const started = await httpJson('POST', `${host.url}/api/orchestrators/hello_orchestrator`);
        expect(started.status).toBe(202);
        expect(started.body.statusQueryGetUri).toContain(`code=${encodeURIComponent(KEY)}`);
        expect((await pollStatus(started.body.statusQueryGetUri)).runtimeStatus).toBe('Completed');
        expect(host.output()).toContain('require the system key durabletask_extension');
    });
});

describe('npm run dashboard -- --stack dev, read-only', () => {
    let waiterId: string;

    it('finds the app, reads the key through ARM listkeys with an ARM token and says what it does', async () => {
        const listkeys = arm.requests.filter((r) => r.path.includes('/host/default/listkeys'));
        expect(listkeys).toEqual([
            expect.objectContaining({
                method: 'POST',
                audience: 'https://management.azure.com',
                path: `${SITE_ID}/host/default/listkeys?api-version=2024-04-01`,
            }),
        ]);
        expect(lines.join('\n')).toMatch(
            /Reading the outputs of stack dev[\s\S]*Reading the Durable extension's system key of func-hello[\s\S]*Dashboard for func-hello \(read-only\): http:\/\/127\.0\.0\.1:\d+\/runtime\/webhooks\/durabletask\/dashboard\//,
        );
    });

    it('lists the orchestrations newest first and filters them by name without the local listing extensions', async () => {
        const waiter = await httpJson('POST', withKey(`${host.url}${API}/orchestrators/waitForApproval`));
        waiterId = waiter.body.id;
        await page.goto(readOnly.url);
        await expect(page.locator('#target').textContent()).resolves.toBe('func-hello · read-only');
        const rows = page.locator('tbody tr[data-instance-id]');
        await rows.nth(1).waitFor();
        const listed = (await httpJson('GET', withKey(`${host.url}${API}/instances`))).body as {
            instanceId: string;
            createdTime: string;
        }[];
        const newestFirst = [...listed]
            .sort((a, b) => b.createdTime.localeCompare(a.createdTime) || b.instanceId.localeCompare(a.instanceId))
            .map((i) => i.instanceId);
        expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-instance-id')))).toEqual(
            newestFirst,
        );
        await page.getByLabel('Orchestrator name').fill('WAITFOR');
        await page.locator(`tbody tr[data-instance-id="${waiterId}"]`).waitFor();
        await rows.nth(1).waitFor({ state: 'detached' });
        expect(await rows.count()).toBe(1);
    });

    it('shows an instance page with its timeline, and no action buttons but how to turn them on', async () => {
        await page.getByLabel('Orchestrator name').fill('hello');
        const hello = page.locator('tbody tr[data-instance-id]').first();
        await hello.locator('.badge', { hasText: 'Completed' }).waitFor();
        await hello.getByRole('link', { name: 'hello_orchestrator' }).click();
        const activities = page.locator('.tl-row.k-activity[data-name="hello"]');
        await activities.nth(2).waitFor();
        expect(await activities.locator('.tl-detail').allTextContents()).toEqual([
            'Hello Seattle',
            'Hello Tokyo',
            'Hello London',
        ]);
        await expect(page.getByRole('button', { name: 'Terminate' }).count()).resolves.toBe(0);
        await expect(page.locator('.read-only').textContent()).resolves.toContain('--allow-actions');
    });

    it('refuses actions with a clear 403 and the instance stays as it was', async () => {
        const refused = await page.evaluate(async (id) => {
            const response = await fetch(`../instances/${encodeURIComponent(id)}/terminate?reason=x`, {
                method: 'POST',
            });
            return { status: response.status, body: await response.json() };
        }, waiterId);
        expect(refused.status).toBe(403);
        expect(refused.body).toMatchObject({
            readOnly: true,
            error: expect.stringContaining('start the dashboard with --allow-actions'),
        });
        await page.goto(`${readOnly.url}#/instances/${waiterId}`);
        await page.locator('.summary .badge', { hasText: 'Running' }).waitFor();
        expect(lines).toContainEqual(expect.stringContaining(`Refused POST ${API}/instances/${waiterId}/terminate`));
    });

    it('answers only on its loopback names', async () => {
        expect(await requestWithHost(readOnly.url, 'attacker.example:80')).toBe(421);
        expect(await requestWithHost(readOnly.url, `localhost:${readOnly.port}`)).toBe(200);
    });
});

describe('npm run dashboard -- --stack dev --allow-actions', () => {
    it('shows the actions and terminates and restarts from the page, with the same confirmations as locally', async () => {
        withActions = await openDashboard(['--allow-actions']);
        const waiter = await httpJson('POST', withKey(`${host.url}${API}/orchestrators/waitForApproval`));
        await page.goto(`${withActions.url}#/instances/${waiter.body.id}`);
        const badge = page.locator('.summary .badge');
        await badge.getByText('Running').waitFor();
        await page.getByLabel('Reason').fill('not needed');
        await page.getByRole('button', { name: 'Terminate' }).click();
        await badge.getByText('Terminated').waitFor();
        await page.getByRole('button', { name: 'Restart' }).click();
        await page.waitForURL((url) => url.hash.startsWith('#/instances/') && !url.hash.endsWith(waiter.body.id));
        await badge.getByText('Running').waitFor();
        await page.goto(`${withActions.url}#/instances/${waiter.body.id}`);
        await badge.getByText('Terminated').waitFor();
        await page.getByRole('button', { name: 'Purge' }).click();
        await page.getByRole('button', { name: 'Click again to purge' }).click();
        await page.getByRole('heading', { name: 'Instance not found' }).waitFor();
        expect((await httpJson('GET', withKey(`${host.url}${API}/instances/${waiter.body.id}`))).status).toBe(404);
    });

    it('still refuses writes from another site and those the page never sends', async () => {
        const api = new URL('../', withActions!.url).href;
        const crossSite = await httpJson('POST', `${api}instances/x/terminate`, undefined, {
            origin: 'https://attacker.example',
        });
        expect(crossSite.status).toBe(403);
        const origin = new URL(withActions!.url).origin;
        const start = await httpJson('POST', `${api}orchestrators/hello_orchestrator`, undefined, { origin });
        expect(start.status).toBe(403);
        expect(start.body.error).toContain(
            'not forwarded: only reading instances and the instance actions the page offers pass',
        );
        const bulkPurge = await httpJson('DELETE', `${api}instances?createdTimeFrom=2000-01-01T00:00:00Z`, undefined, {
            origin,
        });
        expect(bulkPurge.status).toBe(403);
    });
});

describe('the system key', () => {
    it('reaches no response the browser received, and no line the command printed', async () => {
        const received = await Promise.all(seen);
        expect(received.filter((text) => !text.endsWith(UNREAD)).length).toBeGreaterThan(20);
        const forms = [KEY, encodeURIComponent(KEY), JSON.stringify(KEY).slice(1, -1)];
        for (const text of [...received, ...lines]) for (const form of forms) expect(text).not.toContain(form);
        // The page listed with the standard API only (the local host would have honoured these).
        expect(received.filter((text) => /[?&](order|namePrefix)=/.test(text.split(' ')[0]))).toEqual([]);
        // The extension did put it in answers (a running instance's Location, a restart's URLs): scrubbed.
        expect(received.some((text) => text.includes(KEY_PLACEHOLDER))).toBe(true);
        expect(pageErrors).toEqual([]);
    });
});
