import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { HANG_MS, httpJson, pollStatus, REPO_ROOT, startLocalHost, type LocalHost } from '../support/localHost';

/** The dashboard in real headless Chromium (Debian's), against the real local host. */
const SCREENSHOT = path.join(REPO_ROOT, '.test-results', 'dashboard-instance.png');

let host: LocalHost;
let browser: Browser;
let page: Page;
let dashboardUrl: string;
let navigations = 0;
const pageErrors: string[] = [];

beforeAll(async () => {
    [host, browser] = await Promise.all([
        startLocalHost({ app: path.join(REPO_ROOT, 'test/apps/waiter') }),
        launchChromium(),
    ]);
    dashboardUrl = /Dashboard: (\S+)/.exec(host.output())?.[1] ?? '';
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) navigations++;
    });
});
afterAll(async () => {
    await browser?.close();
    await host?.stop();
});

describe('the dashboard in headless Chromium', () => {
    it('is served at the URL printed at start-up, under /runtime/ where no app route can be', async () => {
        expect(dashboardUrl).toBe(`${host.url}/runtime/webhooks/durabletask/dashboard/`);
        const response = await page.goto(dashboardUrl);
        expect(response?.status()).toBe(200);
        expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
        await page.locator('#live.ok').waitFor();
    });

    it('shows a hello orchestration started meanwhile reach Completed without a reload', async () => {
        const pageLoads = navigations;
        const started = await httpJson('POST', `${host.url}/api/orchestrators/hello_orchestrator`);
        expect(started.status).toBe(202);
        const row = page.locator(`tr[data-instance-id="${started.body.id}"]`);
        await row.locator('.badge', { hasText: 'Completed' }).waitFor({ timeout: HANG_MS });
        await expect(row.locator('td').first().textContent()).resolves.toBe('hello_orchestrator');
        expect(navigations).toBe(pageLoads);

        await row.getByRole('link', { name: started.body.id }).click();
        const activities = page.locator('.tl-row.k-activity[data-name="hello"]');
        await activities.nth(2).waitFor();
        expect(await activities.locator('.tl-detail').allTextContents()).toEqual([
            'Hello Seattle',
            'Hello Tokyo',
            'Hello London',
        ]);
        expect(await activities.locator('.tl-duration').allTextContents()).toEqual(
            expect.arrayContaining([expect.stringMatching(/^\d+ ms$/)]),
        );
        await expect(page.locator('.summary .badge').textContent()).resolves.toBe('Completed');
        await expect(page.locator('.panel', { hasText: 'Output' }).locator('pre').textContent()).resolves.toContain(
            '"Hello London"',
        );
        mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
    });

    it('filters by name and terminates a waiting orchestration from its page', async () => {
        const started = await httpJson(
            'POST',
            `${host.url}/runtime/webhooks/durabletask/orchestrators/waitForApproval`,
        );
        expect(started.status).toBe(202);
        await page.getByRole('link', { name: '← All orchestrations' }).click();
        await page.getByLabel('Orchestrator name').fill('waitfor');
        const rows = page.locator('tbody tr[data-instance-id]');
        await rows.first().locator('.badge', { hasText: 'Running' }).waitFor();
        // The list shown before the filter's answer arrives may still hold other rows: wait for the filtered one.
        const ids = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-instance-id')));
        for (let i = 0; i < 300 && JSON.stringify(await ids()) !== JSON.stringify([started.body.id]); i++)
            await page.waitForTimeout(100);
        expect(await ids()).toEqual([started.body.id]);

        await rows.first().getByRole('link', { name: 'waitForApproval' }).click();
        await expect(
            page.locator('.panel', { hasText: 'Custom status' }).locator('pre').textContent(),
        ).resolves.toContain('waiting for approval');
        await page.getByLabel('Reason').fill('not needed any more');
        await page.getByRole('button', { name: 'Terminate' }).click();
        await page.locator('.summary .badge', { hasText: 'Terminated' }).waitFor({ timeout: HANG_MS });
        const status = await pollStatus(started.body.statusQueryGetUri);
        expect(status).toMatchObject({ runtimeStatus: 'Terminated', output: 'not needed any more' });
        await expect(page.getByRole('button', { name: 'Terminate' }).isDisabled()).resolves.toBe(true);
    });

    it('suspends, resumes, raises the awaited event, restarts under a new id and purges from the page', async () => {
        const started = await httpJson(
            'POST',
            `${host.url}/runtime/webhooks/durabletask/orchestrators/waitForApproval`,
            { order: 7 },
        );
        await page.goto(`${dashboardUrl}#/instances/${started.body.id}`);
        const badge = page.locator('.summary .badge');
        await badge.getByText('Running').waitFor();
        await page.getByRole('button', { name: 'Suspend' }).click();
        await badge.getByText('Suspended').waitFor();
        await page.getByRole('button', { name: 'Resume' }).click();
        await badge.getByText('Running').waitFor();
        await page.getByLabel('Event name').fill('Approval');
        await page.getByLabel('Event data').fill('{"approved": true}');
        await page.getByRole('button', { name: 'Raise event' }).click();
        await badge.getByText('Completed').waitFor();
        expect((await pollStatus(started.body.statusQueryGetUri)).output).toEqual({ approval: { approved: true } });
        await expect(page.locator('.tl-row[data-event-type="EventRaised"]').textContent()).resolves.toContain(
            'Approval',
        );

        await page.getByRole('button', { name: 'Restart' }).click();
        await page.waitForURL((url) => url.hash.startsWith('#/instances/') && !url.hash.endsWith(started.body.id));
        const restartedId = decodeURIComponent(new URL(page.url()).hash.slice('#/instances/'.length));
        await badge.getByText('Running').waitFor();
        await expect(page.locator('.panel', { hasText: 'Input' }).locator('pre').textContent()).resolves.toContain(
            '"order": 7',
        );

        await page.goto(`${dashboardUrl}#/instances/${started.body.id}`);
        await badge.getByText('Completed').waitFor();
        await page.getByRole('button', { name: 'Purge' }).click();
        await page.getByRole('button', { name: 'Click again to purge' }).click();
        await page.getByRole('heading', { name: 'Instance not found' }).waitFor();
        expect((await httpJson('GET', started.body.statusQueryGetUri)).status).toBe(404);
        expect(
            (await httpJson('GET', `${host.url}/runtime/webhooks/durabletask/instances/${restartedId}`)).body
                .runtimeStatus,
        ).toBe('Running');
        expect(pageErrors).toEqual([]);
    });
});
