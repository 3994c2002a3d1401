import * as path from 'node:path';
import { httpJson, pollStatus, startLocalHost, type LocalHost } from '../support/localHost';

let host: LocalHost;
let api: string;
beforeAll(async () => {
    host = await startLocalHost({ app: path.join(__dirname, '../apps/client-api') });
    api = `${host.url}/runtime/webhooks/durabletask`;
});
afterAll(async () => {
    await host?.stop();
});

/** Calls the app's HTTP function that runs one durable-functions client method. */
const client = (method: string, call: string, query = '', body?: unknown) =>
    httpJson(method, `${host.url}/api/client/${call}${query}`, body);
const status = (id: string, until?: (s: { runtimeStatus: string; customStatus: unknown }) => boolean) =>
    pollStatus(`${api}/instances/${id}`, until ? { until } : {});

describe('the durable client API on the local host', () => {
    it('startNew with a caller-given id; the same id while running is a 409, as in Azure', async () => {
        expect((await client('POST', 'start/waitForApproval/fixed-1', '', { n: 1 })).body).toEqual({ id: 'fixed-1' });
        const again = await client('POST', 'start/waitForApproval/fixed-1', '', { n: 2 });
        expect(again.body.error).toMatch(/unexpected status code: 409/);
        expect((await httpJson('POST', `${api}/orchestrators/waitForApproval/fixed-1`)).status).toBe(409);
        expect((await httpJson('POST', `${api}/orchestrators/waitForApproval/fixed-2`, '{bad')).status).toBe(400);
    });

    it('getStatus honours showHistory; the status API honours showInput and answers 202 with Location and Retry-After while running', async () => {
        await status('fixed-1', (s) => s.customStatus === 'waiting');
        const plain = await client('GET', 'status/fixed-1');
        expect(plain.body).toMatchObject({
            name: 'waitForApproval',
            instanceId: 'fixed-1',
            runtimeStatus: 'Running',
            input: { n: 1 },
            customStatus: 'waiting',
        });
        expect(plain.body.history).toBeUndefined();
        expect((await httpJson('GET', `${api}/instances/fixed-1?showInput=false`)).body.input).toBeNull();
        // durable-functions reads `history` while the host sends `historyEvents`: read the history from the host API.
        const full = await httpJson('GET', `${api}/instances/fixed-1?showHistory=true&showHistoryOutput=true`);
        expect(full.body.historyEvents.map((e: { EventType: string }) => e.EventType)).toContain('ExecutionStarted');
        expect((await httpJson('GET', `${api}/instances/fixed-1`)).body.historyEvents).toBeUndefined();
        const running = await httpJson('GET', `${api}/instances/fixed-1`);
        expect(running.status).toBe(202);
        expect(running.headers.get('location')).toContain('/instances/fixed-1');
        expect(running.headers.get('retry-after')).toBe('5');
        expect((await httpJson('GET', `${api}/instances/nobody`)).status).toBe(404);
    });

    it("raiseEvent reaches the app's task hub by name; another task hub has no such instance", async () => {
        expect((await client('POST', 'raise/fixed-1/Approval', '?taskHub=OtherHub', { ok: true })).body.error).toMatch(
            /No instance with ID 'fixed-1' found/,
        );
        expect((await client('POST', 'raise/fixed-1/Approval', '?taskHub=TestHubName', { ok: true })).status).toBe(202);
        expect((await status('fixed-1')).runtimeStatus).toBe('Completed');
        expect((await httpJson('POST', `${api}/instances/fixed-1/raiseEvent/Approval`, {})).status).toBe(410);
        expect((await httpJson('POST', `${api}/instances/nobody/raiseEvent/Approval`, {})).status).toBe(404);
    });

    it('suspends and resumes; terminates; answers 404 and 410 like the host', async () => {
        await client('POST', 'start/waitForApproval/sus-1');
        await status('sus-1', (s) => s.customStatus === 'waiting');
        expect((await client('POST', 'suspend/sus-1')).status).toBe(202);
        await status('sus-1', (s) => s.runtimeStatus === 'Suspended');
        expect((await client('POST', 'raise/sus-1/Approval', '', { ok: 'yes' })).status).toBe(202);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect((await httpJson('GET', `${api}/instances/sus-1`)).body.runtimeStatus).toBe('Suspended');
        expect((await client('POST', 'resume/sus-1')).status).toBe(202);
        expect((await status('sus-1')).runtimeStatus).toBe('Completed');
        expect((await httpJson('POST', `${api}/instances/sus-1/suspend`)).status).toBe(410);
        expect((await httpJson('POST', `${api}/instances/nobody/resume`)).status).toBe(404);

        await client('POST', 'start/waitForApproval/term-1');
        expect((await client('POST', 'terminate/term-1')).status).toBe(202);
        expect((await status('term-1')).runtimeStatus).toBe('Terminated');
        expect((await httpJson('POST', `${api}/instances/term-1/terminate`)).status).toBe(410);
    });

    it('rewinds a failed orchestration (412 unless Failed, 404 unknown)', async () => {
        await client('POST', 'start/fragileOrchestration/frag-1', '', JSON.stringify('x'));
        expect((await status('frag-1')).runtimeStatus).toBe('Failed');
        expect((await httpJson('POST', `${api}/instances/sus-1/rewind`)).status).toBe(412);
        expect((await httpJson('POST', `${api}/instances/nobody/rewind`)).status).toBe(404);
        await client('POST', 'repair');
        expect((await client('POST', 'rewind/frag-1')).status).toBe(202);
        expect(await status('frag-1')).toMatchObject({ runtimeStatus: 'Completed', output: 'fixed x' });
    });

    it('restarts an instance under a new id, or the same id once it is finished (409 while running, 400 unknown)', async () => {
        const restarted = await httpJson('POST', `${api}/instances/frag-1/restart`);
        expect(restarted.status).toBe(202);
        expect(restarted.body.id).not.toBe('frag-1');
        expect(restarted.headers.get('location')).toBe(restarted.body.statusQueryGetUri);
        expect(await status(restarted.body.id)).toMatchObject({
            name: 'fragileOrchestration',
            input: 'x',
            output: 'fixed x',
        });
        expect((await httpJson('POST', `${api}/instances/frag-1/restart?restartWithNewInstanceId=false`)).body.id).toBe(
            'frag-1',
        );
        await client('POST', 'start/waitForApproval/run-1');
        expect((await httpJson('POST', `${api}/instances/run-1/restart?restartWithNewInstanceId=false`)).status).toBe(
            409,
        );
        expect((await httpJson('POST', `${api}/instances/nobody/restart`)).status).toBe(400);
    });

    it('queries by time range and runtime status, following continuation tokens', async () => {
        const from = new Date(Date.now() - 60000).toISOString();
        const completed = await client(
            'GET',
            'query',
            `?from=${from}&to=${new Date(Date.now() + 60000).toISOString()}&runtimeStatus=Completed`,
        );
        expect(completed.body.map((s: { instanceId: string }) => s.instanceId)).toEqual(
            expect.arrayContaining(['fixed-1', 'sus-1', 'frag-1']),
        );
        expect(completed.body.every((s: { runtimeStatus: string }) => s.runtimeStatus === 'Completed')).toBe(true);
        expect((await client('GET', 'query', '?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z')).body).toEqual([]);
        const firstPage = await httpJson('GET', `${api}/instances?top=2`);
        expect(firstPage.body).toHaveLength(2);
        expect(firstPage.headers.get('x-ms-continuation-token')).toBeTruthy();
        const all = await client('GET', 'query');
        expect(all.body.length).toBeGreaterThan(4);
    });

    it('purges one instance or by filter (412 while running, 404 when nothing matches, 400 without createdTimeFrom)', async () => {
        expect((await httpJson('DELETE', `${api}/instances/run-1`)).status).toBe(412);
        expect((await client('POST', 'purge/term-1')).body).toEqual({ instancesDeleted: 1 });
        expect((await httpJson('GET', `${api}/instances/term-1`)).status).toBe(404);
        expect((await client('POST', 'purge/term-1')).body).toEqual({ instancesDeleted: 0 });
        expect((await httpJson('DELETE', `${api}/instances/?runtimeStatus=Completed`)).status).toBe(400);
        expect(
            (
                await httpJson(
                    'DELETE',
                    `${api}/instances/?createdTimeFrom=2000-01-01T00:00:00Z&createdTimeTo=2000-01-02T00:00:00Z`,
                )
            ).status,
        ).toBe(404);
        const purged = await client(
            'POST',
            'purge',
            `?from=${new Date(Date.now() - 60000).toISOString()}&runtimeStatus=Completed`,
        );
        expect(purged.body.instancesDeleted).toBeGreaterThanOrEqual(3);
        expect((await httpJson('GET', `${api}/instances/sus-1`)).status).toBe(404);
    });

    it('waitForCompletionOrCreateCheckStatusResponse: 200 with the output, or 202 check-status on timeout', async () => {
        const done = await client('POST', 'startAndWait/echoOrchestration', '', { hello: 'world' });
        expect(done.status).toBe(200);
        expect(done.body).toEqual({ hello: 'world' });
        const slow = await client('POST', 'startAndWait/waitForApproval', '?timeoutMs=300&intervalMs=100');
        expect(slow.status).toBe(202);
        expect(slow.headers.get('location')).toBe(slow.body.statusQueryGetUri);
        expect(slow.body.id).toBeTruthy();
        const direct = await httpJson(
            'POST',
            `${api}/orchestrators/echoOrchestration?timeout=5&pollingInterval=0.1`,
            [1, 2],
        );
        expect(direct.status).toBe(200);
        expect(direct.body).toEqual([1, 2]);
    });
});
