import { httpJson, pollStatus, startLocalHost, type LocalHost } from '../support/localHost';

let host: LocalHost;
beforeAll(async () => {
    host = await startLocalHost();
});
afterAll(async () => {
    await host?.stop();
});

const MANAGEMENT_URLS = [
    'statusQueryGetUri',
    'sendEventPostUri',
    'terminatePostUri',
    'rewindPostUri',
    'purgeHistoryDeleteUri',
    'restartPostUri',
    'suspendPostUri',
    'resumePostUri',
];

describe('npm start with the hello app', () => {
    it('prints each function with its URL, like Core Tools', () => {
        expect(host.output()).toContain(`http_start: [GET,POST] ${host.url}/api/orchestrators/{functionName}`);
        expect(host.output()).toMatch(/hello_orchestrator: orchestrationTrigger/);
    });

    it('starts hello_orchestrator with 202 and every check-status URL, and completes with the three greetings', async () => {
        const started = await httpJson('POST', `${host.url}/api/orchestrators/hello_orchestrator`);
        expect(started.status).toBe(202);
        for (const key of MANAGEMENT_URLS)
            expect(started.body[key]).toMatch(
                new RegExp(`^${host.url}/runtime/webhooks/durabletask/instances/${started.body.id}`),
            );
        expect(started.headers.get('location')).toBe(started.body.statusQueryGetUri);
        const status = await pollStatus(started.body.statusQueryGetUri);
        expect(status).toEqual({
            name: 'hello_orchestrator',
            instanceId: started.body.id,
            runtimeStatus: 'Completed',
            // No body: durable-functions posts the empty string as the input, so Azure shows "" too.
            input: '',
            customStatus: null,
            output: ['Hello Seattle', 'Hello Tokyo', 'Hello London'],
            createdTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
            lastUpdatedTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        });
        const final = await httpJson('GET', started.body.statusQueryGetUri);
        expect(final.status).toBe(200);
    });

    it('passes the JSON body as the orchestration input and shows the history on request', async () => {
        const started = await httpJson('POST', `${host.url}/api/orchestrators/hello_orchestrator`, { trip: 'world' });
        await pollStatus(started.body.statusQueryGetUri);
        const status = await httpJson(
            'GET',
            `${started.body.statusQueryGetUri}&showHistory=true&showHistoryOutput=true`,
        );
        expect(status.body.input).toEqual({ trip: 'world' });
        const events = status.body.historyEvents as { EventType: string; FunctionName?: string; Result?: unknown }[];
        expect(events.map((e) => e.EventType)).toEqual([
            'ExecutionStarted',
            'TaskCompleted',
            'TaskCompleted',
            'TaskCompleted',
            'ExecutionCompleted',
        ]);
        expect(events.filter((e) => e.EventType === 'TaskCompleted').map((e) => [e.FunctionName, e.Result])).toEqual([
            ['hello', 'Hello Seattle'],
            ['hello', 'Hello Tokyo'],
            ['hello', 'Hello London'],
        ]);
    });

    it("answers the starter's 404, 400 and 413 as the app decides", async () => {
        const unknown = await httpJson('POST', `${host.url}/api/orchestrators/nope`);
        expect(unknown.status).toBe(404);
        expect(unknown.body.knownOrchestrators).toEqual(['hello_orchestrator']);
        const badJson = await httpJson('POST', `${host.url}/api/orchestrators/hello_orchestrator`, '{not json');
        expect(badJson.status).toBe(400);
        expect(badJson.body.error).toMatch(/not valid JSON/);
        const tooBig = await httpJson(
            'POST',
            `${host.url}/api/orchestrators/hello_orchestrator`,
            JSON.stringify('x'.repeat(70 * 1024)),
        );
        expect(tooBig.status).toBe(413);
        expect(tooBig.body.maxBytes).toBe(65536);
    });

    it('answers bad Durable API requests with 4xx JSON and keeps serving', async () => {
        const api = `${host.url}/runtime/webhooks/durabletask`;
        expect((await httpJson('GET', `${api}/instances/does-not-exist`)).status).toBe(404);
        expect((await httpJson('POST', `${api}/instances/does-not-exist/raiseEvent/go`, {})).status).toBe(404);
        expect((await httpJson('POST', `${api}/orchestrators/hello_orchestrator`, '{bad')).status).toBe(400);
        expect((await httpJson('POST', `${api}/orchestrators/hello`)).status).toBe(400);
        const wrongMethod = await httpJson('PUT', `${api}/instances/x`);
        expect(wrongMethod.status).toBe(405);
        expect(wrongMethod.body.error).toMatch(/not allowed/);
        expect((await httpJson('DELETE', `${host.url}/api/orchestrators/hello_orchestrator`)).status).toBe(405);
        expect((await httpJson('GET', `${api}/instances?runtimeStatus=Bogus`)).status).toBe(400);
        expect((await httpJson('GET', `${host.url}/`)).status).toBe(200);
    });
});
