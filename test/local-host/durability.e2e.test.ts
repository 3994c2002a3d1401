import * as path from 'node:path';
import { httpJson, pollStatus, startLocalHost } from '../support/localHost';

const FEATURES_APP = path.join(__dirname, '../apps/durable-features');
/**
 * A TypeScript app with a starter of its own (test/apps/workflow): processOrder calls two activities with the order
 * object.
 */
const WORKFLOW_APP = path.join(__dirname, '../apps/workflow');

describe('durable state', () => {
    it('survives kill -9 mid-orchestration: after a restart on the same data dir every instance completes', async () => {
        const first = await startLocalHost({ app: FEATURES_APP });
        const api = `${first.url}/runtime/webhooks/durabletask`;
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
            const started = await httpJson('POST', `${api}/orchestrators/slowSteps/crash-${i}`, { steps: 4, ms: 150 });
            expect(started.status).toBe(202);
            ids.push(started.body.id);
        }
        // Mid-flight: some activities or timers done, others pending.
        await pollStatus(`${api}/instances/crash-0?showHistory=true`, {
            until: (s) => (s.historyEvents ?? []).some((e) => e.EventType === 'TimerFired'),
        });
        const before = await httpJson('GET', `${api}/instances?runtimeStatus=Running`);
        expect(before.body.length).toBe(5);
        await first.kill9();

        const second = await startLocalHost({ app: FEATURES_APP, data: first.data });
        try {
            expect(second.output()).toMatch(/Resumed 5 unfinished instance/);
            expect(second.output()).not.toMatch(/ExperimentalWarning/);
            for (const id of ids) {
                const status = await pollStatus(`${second.url}/runtime/webhooks/durabletask/instances/${id}`);
                expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 4 });
            }
        } finally {
            await second.stop();
        }
    });

    it("starts 200 orchestrations concurrently through the app's starter and completes all of them", async () => {
        const host = await startLocalHost({ app: WORKFLOW_APP });
        try {
            const startedAt = Date.now();
            const order = (i: number) => ({ id: `o-${i}`, items: i });
            const starts = await Promise.all(
                Array.from({ length: 200 }, (_, i) =>
                    httpJson('POST', `${host.url}/v1/workflows/processOrder`, order(i)),
                ),
            );
            expect(starts.map((s) => s.status)).toEqual(Array(200).fill(202));
            const ids = new Set(starts.map((s) => s.body.id as string));
            expect(ids.size).toBe(200);
            const statuses = await Promise.all(
                starts.map((s) => pollStatus(s.body.statusQueryGetUri, { intervalMs: 50 })),
            );
            const elapsed = Date.now() - startedAt;
            expect(statuses.map((s) => s.runtimeStatus)).toEqual(Array(200).fill('Completed'));
            expect(statuses.map((s) => s.output)).toEqual(
                Array.from({ length: 200 }, (_, i) => ({
                    reservation: { reserved: i, id: `o-${i}` },
                    receipt: `charged o-${i}`,
                })),
            );
            const listed = await httpJson(
                'GET',
                `${host.url}/runtime/webhooks/durabletask/instances?runtimeStatus=Completed&top=1000`,
            );
            expect(new Set(listed.body.map((s: { instanceId: string }) => s.instanceId))).toEqual(ids);
            process.stdout.write(`200 concurrent orchestrations: ${elapsed} ms start → all Completed\n`);
        } finally {
            await host.stop();
        }
    });
});
