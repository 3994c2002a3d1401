import * as path from 'node:path';
import { httpJson, pollStatus, startLocalHost, type LocalHost } from '../support/localHost';

let host: LocalHost;
let api: string;
beforeAll(async () => {
    host = await startLocalHost({ app: path.join(__dirname, '../apps/samples') });
    api = `${host.url}/runtime/webhooks/durabletask`;
});
afterAll(async () => {
    await host?.stop();
});

/** Starts through the samples' httpStart (`/api/orchestrators/{orchestratorName}`) and waits for the end. */
async function run(name: string, input?: unknown) {
    const started = await httpJson('POST', `${host.url}/api/orchestrators/${name}`, input);
    expect(started.status).toBe(202);
    expect(started.headers.get('location')).toBe(started.body.statusQueryGetUri);
    return { id: started.body.id as string, status: await pollStatus(started.body.statusQueryGetUri) };
}

describe('a Durable Functions v4 sample app, unchanged, on npm start -- --app', () => {
    it('function chaining', async () => {
        const { status } = await run('helloSequence');
        expect(status).toMatchObject({
            runtimeStatus: 'Completed',
            output: ['Hello Tokyo', 'Hello Seattle', 'Hello Cairo'],
        });
    });

    it('the synchronous starter answers 200 with the output', async () => {
        const response = await httpJson(
            'POST',
            `${host.url}/api/orchestrators/wait/helloSequence?timeout=10&retryInterval=0.1`,
        );
        expect(response.status).toBe(200);
        expect(response.body).toEqual(['Hello Tokyo', 'Hello Seattle', 'Hello Cairo']);
    });

    it('custom status while waiting for an event', async () => {
        const started = await httpJson('POST', `${host.url}/api/orchestrators/customStatusOrchestration`);
        const waiting = await pollStatus(started.body.statusQueryGetUri, {
            until: (s) => (s.customStatus as { stage?: string })?.stage === 'waiting for approval',
        });
        expect(waiting.customStatus).toEqual({ stage: 'waiting for approval', greeting: 'Hello Lisbon' });
        await httpJson('POST', started.body.sendEventPostUri.replace('{eventName}', 'Approval'), { by: 'ops' });
        const done = await pollStatus(started.body.statusQueryGetUri);
        expect(done).toMatchObject({
            customStatus: { stage: 'done' },
            output: { greeting: 'Hello Lisbon', approval: { by: 'ops' } },
        });
    });

    it('sub-orchestrations with caller-chosen instance ids', async () => {
        const { id, status } = await run('greetCities');
        expect(status.output).toEqual([
            { instanceId: `${id}:0`, parent: id, greeting: 'Hello Oslo' },
            { instanceId: `${id}:1`, parent: id, greeting: 'Hello Lima' },
        ]);
        expect((await httpJson('GET', `${api}/instances/${encodeURIComponent(`${id}:1`)}`)).body).toMatchObject({
            name: 'greetCity',
            runtimeStatus: 'Completed',
        });
    });

    it('retries activities and sub-orchestrations with their retry options', async () => {
        const activities = await run('callActivityWithRetry');
        expect(activities.status.output).toEqual({
            greeting: `Hello ${activities.id} after 3 attempts`,
            failure: expect.stringMatching(/this activity always fails/),
        });
        const subs = await run('callSubOrchestratorWithRetry');
        expect(subs.status.output).toEqual({
            greeting: `Hello child-of-${subs.id} after 3 attempts`,
            failure: expect.stringMatching(/throwsErrorInLine does what it says on the tin/),
        });
    });

    it('a cancelled one-hour timer does not hold the orchestration open', async () => {
        // A timer left open would keep the instance Running for an hour, past this test's timeout.
        const { status } = await run('cancelTimer');
        expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'Hello from the other side' });
    });

    it('the counter entity sample', async () => {
        expect((await run('counterOrchestration')).status.output).toBe(0);
        expect((await run('counterOrchestration')).status.output).toBe(1);
        expect((await httpJson('GET', `${api}/entities/counterEntity/myCounter`)).body).toBe(2);
    });

    it('orchestration versioning from host.json defaultVersion, explicit for a sub-orchestration', async () => {
        const { id, status } = await run('versionedOrchestrator');
        expect(status.output).toEqual([
            'Orchestration version: 1.0',
            'Suborchestration version (explicit): 0.9',
            'Suborchestration version (default): 1.0',
            'Activity result: Hello from A',
        ]);
        // The status answers carry the version as the extension's do (`version`), the history does not (statusJson.ts).
        const child = async (n: number) =>
            (await httpJson('GET', `${api}/instances/${encodeURIComponent(`${id}:${n}`)}`)).body;
        expect(await child(1)).toMatchObject({
            name: 'versionedSuborchestrator',
            version: '0.9',
            runtimeStatus: 'Completed',
        });
        expect(await child(2)).toMatchObject({ name: 'versionedSuborchestrator', version: '1.0' });
        const withHistory = await httpJson('GET', `${api}/instances/${encodeURIComponent(id)}?showHistory=true`);
        expect(withHistory.body).toMatchObject({ instanceId: id, version: '1.0' });
        const started = withHistory.body.historyEvents.find(
            (e: { EventType: string }) => e.EventType === 'ExecutionStarted',
        );
        expect(started).toMatchObject({ FunctionName: 'versionedOrchestrator' });
        expect(started).not.toHaveProperty('Version');
        const listed = await httpJson('GET', `${api}/instances?instanceIdPrefix=${encodeURIComponent(id)}`);
        expect(listed.body.find((s: { instanceId: string }) => s.instanceId === id)).toMatchObject({ version: '1.0' });
    });
});
