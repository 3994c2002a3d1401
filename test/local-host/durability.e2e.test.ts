import * as path from 'node:path';
import { httpJson, pollStatus, startLocalHost } from '../support/localHost';

const FEATURES_APP = path.join(__dirname, '../apps/durable-features');

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
        await pollStatus(`${api}/instances/crash-0?showHistory=true`, { until: (s) => (s.historyEvents ?? []).some((e) => e.EventType === 'TimerFired') });
        const before = await httpJson('GET', `${api}/instances?runtimeStatus=Running`);
        expect(before.body.length).toBe(5);
        await first.kill9();

        const second = await startLocalHost({ app: FEATURES_APP, data: first.data });
        try {
            expect(second.output()).toMatch(/Resumed 5 unfinished instance/);
            expect(second.output()).not.toMatch(/ExperimentalWarning/);
            for (const id of ids) {
                const status = await pollStatus(`${second.url}/runtime/webhooks/durabletask/instances/${id}`, { timeoutMs: 8000 });
                expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 4 });
            }
        } finally {
            await second.stop();
        }
    });

    it('starts 200 hello orchestrations concurrently and completes all of them', async () => {
        const host = await startLocalHost();
        try {
            const startedAt = Date.now();
            const starts = await Promise.all(Array.from({ length: 200 }, () => httpJson('POST', `${host.url}/api/orchestrators/hello_orchestrator`)));
            expect(starts.map((s) => s.status)).toEqual(Array(200).fill(202));
            const ids = new Set(starts.map((s) => s.body.id as string));
            expect(ids.size).toBe(200);
            const statuses = await Promise.all(starts.map((s) => pollStatus(s.body.statusQueryGetUri, { timeoutMs: 15000, intervalMs: 50 })));
            const elapsed = Date.now() - startedAt;
            expect(statuses.filter((s) => s.runtimeStatus === 'Completed' && (s.output as string[]).join() === 'Hello Seattle,Hello Tokyo,Hello London')).toHaveLength(200);
            const listed = await httpJson('GET', `${host.url}/runtime/webhooks/durabletask/instances?runtimeStatus=Completed&top=1000`);
            expect(new Set(listed.body.map((s: { instanceId: string }) => s.instanceId))).toEqual(ids);
            process.stdout.write(`200 concurrent hellos: ${elapsed} ms start → all Completed\n`);
        } finally {
            await host.stop();
        }
    });
});
