import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { httpJson, pollStatus, startLocalHost, type LocalHost } from '../support/localHost';

const FEATURES_APP = path.join(__dirname, '../apps/durable-features');
/** hello's shape (hello_orchestrator, hello), a fixture's own: the store's tests hold whatever app/ is. */
const HELLO_APP = path.join(__dirname, '../apps/waiter');
const HELLO = ['Hello Seattle', 'Hello Tokyo', 'Hello London'];
const webhooks = (host: LocalHost): string => `${host.url}/runtime/webhooks/durabletask`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `check` on every id, 32 at a time: one by one, each snapshot took long enough for the load to add thousands
 * more.
 */
async function forEachId(ids: string[], check: (id: string) => Promise<void>): Promise<void> {
    for (let i = 0; i < ids.length; i += 32) await Promise.all(ids.slice(i, i + 32).map(check));
}

/** The worker process the host forked (the app runs there). */
function workerPid(host: LocalHost): number | undefined {
    try {
        const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(host.process.pid)], { encoding: 'utf8' })
            .trim()
            .split(/\s+/)
            .filter(Boolean);
        return pids.length > 0 ? Number(pids[0]) : undefined;
    } catch {
        return undefined;
    }
}

describe('the SQLite store under the host', () => {
    it('converts a data directory written by the file store on first start: the waiting instance resumes and completes, the finished one stays', async () => {
        const data = mkdtempSync(path.join(tmpdir(), 'durable-legacy-'));
        cpSync(path.join(__dirname, 'fixtures/file-log-data'), data, { recursive: true });
        const host = await startLocalHost({ app: HELLO_APP, data });
        try {
            expect(host.output()).toMatch(/store: imported 3 instance\(s\) and 1 entity record\(s\)/);
            expect(host.output()).toMatch(/Resumed 2 unfinished instance/);
            const id = encodeURIComponent('order 42@contoso/Ünïcode');
            const resumed = await pollStatus(`${webhooks(host)}/instances/${id}`);
            expect(resumed).toMatchObject({ runtimeStatus: 'Completed', output: HELLO });
            expect(await pollStatus(`${webhooks(host)}/instances/done-1`)).toMatchObject({
                runtimeStatus: 'Completed',
                output: ['Hello Seattle'],
            });
            expect(await pollStatus(`${webhooks(host)}/instances/${'L'.repeat(300)}`)).toMatchObject({
                runtimeStatus: 'Completed',
                output: HELLO,
            });
        } finally {
            await host.stop();
        }
    });

    it('keeps ids that differ only in case apart, across a restart', async () => {
        const first = await startLocalHost({ app: HELLO_APP });
        for (const id of ['Order-A', 'order-a']) {
            expect((await httpJson('POST', `${webhooks(first)}/orchestrators/hello_orchestrator/${id}`)).status).toBe(
                202,
            );
            await pollStatus(`${webhooks(first)}/instances/${id}`);
        }
        await first.stop();
        const second = await startLocalHost({ app: HELLO_APP, data: first.data });
        try {
            const listed = await httpJson('GET', `${webhooks(second)}/instances`);
            expect(listed.body.map((s: { instanceId: string }) => s.instanceId).sort()).toEqual(['Order-A', 'order-a']);
        } finally {
            await second.stop();
        }
    });

    it('makes a purge final: purged by filter while 300 run, none comes back, during the run or after a restart', async () => {
        const first = await startLocalHost({ app: FEATURES_APP });
        const api = webhooks(first);
        const since = new Date(Date.now() - 60_000).toISOString();
        const starts = await Promise.all(
            Array.from({ length: 300 }, (_, i) =>
                httpJson('POST', `${api}/orchestrators/slowSteps/purged-${i}`, { steps: 3, ms: 40 }),
            ),
        );
        expect(starts.every((s) => s.status === 202)).toBe(true);
        // Some have run a step, others not yet: activities and timers are in flight.
        await pollStatus(`${api}/instances/purged-0?showHistory=true`, {
            until: (s) => (s.historyEvents ?? []).some((e) => e.EventType === 'TaskCompleted'),
        });
        const purged = await httpJson('DELETE', `${api}/instances?createdTimeFrom=${since}`);
        expect(purged.body.instancesDeleted).toBe(300);
        // Long enough for every activity and timer in flight to end and report.
        await sleep(1500);
        expect((await httpJson('GET', `${api}/instances`)).body).toEqual([]);
        await first.kill9();
        const second = await startLocalHost({ app: FEATURES_APP, data: first.data });
        try {
            expect(second.output()).toMatch(/Resumed 0 unfinished instance|^(?![\s\S]*Resumed)/);
            await sleep(500);
            expect((await httpJson('GET', `${webhooks(second)}/instances`)).body).toEqual([]);
            expect(second.output()).not.toMatch(/Executing 'sleep'/);
        } finally {
            await second.stop();
        }
    });

    it('loses nothing acknowledged and shows nothing before it is durable when the host or the worker is killed (kill -9) at random moments under load', async () => {
        let host = await startLocalHost({ app: HELLO_APP });
        const acknowledged = new Set<string>();
        /** The outputs of instances seen Completed: a restart must show the same. */
        const seenCompleted = new Map<string, unknown>();
        let next = 0;
        let stopped = false;
        const load = async (): Promise<void> => {
            while (!stopped) {
                const id = `load-${next++}`;
                const current = host;
                try {
                    const started = await httpJson(
                        'POST',
                        `${webhooks(current)}/orchestrators/hello_orchestrator/${id}`,
                    );
                    if (started.status === 202) acknowledged.add(id);
                    const status = await httpJson('GET', `${webhooks(current)}/instances/${id}`);
                    if (status.body?.runtimeStatus === 'Completed') seenCompleted.set(id, status.body.output);
                    const earlier = `load-${Math.floor(Math.random() * next)}`;
                    const again = await httpJson('GET', `${webhooks(current)}/instances/${earlier}`);
                    if (again.body?.runtimeStatus === 'Completed') seenCompleted.set(earlier, again.body.output);
                } catch {
                    await sleep(20); // the host is down: a request in flight was not acknowledged
                }
            }
        };
        const drivers = Array.from({ length: 12 }, () => load());
        const kills: string[] = [];
        for (let round = 0; round < 6; round++) {
            await sleep(150 + Math.random() * 500);
            const pid = round % 2 === 1 ? workerPid(host) : undefined;
            if (pid) {
                process.kill(pid, 'SIGKILL');
                kills.push('worker');
                continue;
            }
            await host.kill9();
            kills.push('host');
            host = await startLocalHost({ app: HELLO_APP, data: host.data });
            // A snapshot: the load goes on meanwhile (against the new host) and adds to the set.
            const restarted = host;
            await forEachId([...acknowledged], async (id) => {
                const status = await httpJson('GET', `${webhooks(restarted)}/instances/${id}`);
                expect([id, status.status === 200 || status.status === 202]).toEqual([id, true]);
                if (seenCompleted.has(id))
                    expect([id, status.body.runtimeStatus, status.body.output]).toEqual([
                        id,
                        'Completed',
                        seenCompleted.get(id),
                    ]);
            });
        }
        stopped = true;
        await Promise.all(drivers);
        try {
            expect(kills).toEqual(expect.arrayContaining(['host', 'worker']));
            expect(acknowledged.size).toBeGreaterThan(20);
            await forEachId([...acknowledged], async (id) => {
                const status = await pollStatus(`${webhooks(host)}/instances/${id}`);
                expect([id, status.output]).toEqual([id, HELLO]);
            });
        } finally {
            await host.stop();
        }
    });
});
