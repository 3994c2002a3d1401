import * as path from 'node:path';
import { notAnOrchestratorMessage } from '../../tools/local-host/engine/errors';
import { httpJson, pollStatus, startLocalHost, type JsonResponse, type LocalHost } from '../support/localHost';

let host: LocalHost;
let api: string;
beforeAll(async () => {
    host = await startLocalHost({ app: path.join(__dirname, '../apps/durable-features') });
    api = `${host.url}/runtime/webhooks/durabletask`;
});
afterAll(async () => {
    await host?.stop();
});

/** Starts through the app's HTTP function, i.e. through the durable-functions client. */
async function start(name: string, input?: unknown, instanceId?: string) {
    const response = await httpJson(
        'POST',
        `${host.url}/api/start/${name}${instanceId ? `/${instanceId}` : ''}`,
        input === undefined ? undefined : input,
    );
    expect(response.status).toBe(202);
    return response.body as {
        id: string;
        statusQueryGetUri: string;
        sendEventPostUri: string;
        terminatePostUri: string;
        suspendPostUri: string;
        resumePostUri: string;
    };
}

describe('Durable features through HTTP', () => {
    it('refuses to start a function that is not an orchestrator as the extension does: 400, ArgumentException, its text with the known orchestrators', async () => {
        const index = await httpJson('GET', `${host.url}/`);
        const known = (index.body.functions as { name: string; trigger: string }[])
            .filter((f) => f.trigger === 'orchestrationTrigger')
            .map((f) => f.name);
        expect(known.length).toBeGreaterThan(2);
        for (const name of [
            'noSuchFunction',
            (index.body.functions as { name: string; trigger: string }[]).find((f) => f.trigger === 'activityTrigger')!
                .name,
        ]) {
            const refused = await httpJson('POST', `${api}/orchestrators/${name}`);
            expect(refused).toMatchObject({
                status: 400,
                body: {
                    Message: 'One or more of the arguments submitted is incorrect',
                    ExceptionMessage: notAnOrchestratorMessage(name, known),
                    ExceptionType: 'System.ArgumentException',
                },
            });
        }
    });

    it('fans out to activities in parallel and fans in', async () => {
        const started = await start('fanOut', 10);
        const status = await pollStatus(started.statusQueryGetUri);
        expect(status.runtimeStatus).toBe('Completed');
        expect(status.output).toBe(110);
    });

    it('waits for an external event raced against a timer (event wins, timer canceled)', async () => {
        const started = await start('approval', { timeoutMs: 60000 });
        await pollStatus(started.statusQueryGetUri, { until: (s) => s.customStatus === 'waiting' });
        const raised = await httpJson('POST', started.sendEventPostUri.replace('{eventName}', 'approve'), {
            by: 'ana',
        });
        expect(raised.status).toBe(202);
        const status = await pollStatus(started.statusQueryGetUri);
        expect(status.output).toEqual({ approved: { by: 'ana' } });
    });

    it('fires a durable timer when nobody answers', async () => {
        const started = await start('approval', { timeoutMs: 300 });
        const status = await pollStatus(started.statusQueryGetUri);
        expect(status.output).toEqual({ approved: false, timedOut: true });
    });

    it('runs sub-orchestrations (explicit and generated instance ids) and returns their outputs', async () => {
        const started = await start('parent', 3);
        const status = await pollStatus(started.statusQueryGetUri);
        expect(status.output).toEqual({ child: 12, second: 2 });
        const child = await httpJson('GET', `${api}/instances/${started.id}-child`);
        expect(child.body).toMatchObject({ name: 'fanOut', runtimeStatus: 'Completed', output: 12 });
    });

    it('retries a failing activity with the retry policy, and fails when attempts run out', async () => {
        const ok = await start('retrying', { key: 'a', failures: 2, maxAttempts: 3 });
        expect((await pollStatus(ok.statusQueryGetUri)).output).toBe(3);
        const exhausted = await start('retrying', { key: 'b', failures: 5, maxAttempts: 2 });
        const failed = await pollStatus(exhausted.statusQueryGetUri);
        expect(failed.runtimeStatus).toBe('Failed');
        expect(failed.output).toMatch(/flaky b attempt 2 failed/);
    });

    it('surfaces an activity failure as a Failed orchestration with the message', async () => {
        const started = await start('failing');
        const status = await pollStatus(started.statusQueryGetUri);
        expect(status.runtimeStatus).toBe('Failed');
        expect(status.output).toMatch(/^Orchestrator function 'failing' failed: .*Tokyo is unreachable/);
        expect((await httpJson('GET', started.statusQueryGetUri)).status).toBe(200);
    });

    it('continues as new with custom status until done', async () => {
        const started = await start('countTo', { at: 0, to: 3 });
        const status = await pollStatus(started.statusQueryGetUri);
        expect(status.output).toBe(3);
        expect(status.customStatus).toEqual({ at: 3 });
    });

    it('terminates a running instance; later commands answer 410', async () => {
        const started = await start('waitForEvent', undefined, 'to-terminate');
        expect(started.id).toBe('to-terminate');
        const running = await httpJson('GET', started.statusQueryGetUri);
        expect(running.status).toBe(202);
        expect((await httpJson('POST', started.terminatePostUri.replace('{text}', 'enough'))).status).toBe(202);
        const status = await pollStatus(started.statusQueryGetUri);
        expect(status).toMatchObject({ runtimeStatus: 'Terminated', output: 'enough' });
        expect((await httpJson('POST', started.sendEventPostUri.replace('{eventName}', 'go'), 1)).status).toBe(410);
        expect((await httpJson('POST', `${api}/orchestrators/waitForEvent/to-terminate`)).status).toBe(202);
    });

    it('suspends (events wait) and resumes', async () => {
        const started = await start('waitForEvent');
        await pollStatus(started.statusQueryGetUri, { until: (s) => s.runtimeStatus === 'Running' });
        expect((await httpJson('POST', started.suspendPostUri.replace('{text}', 'pause'))).status).toBe(202);
        await pollStatus(started.statusQueryGetUri, { until: (s) => s.runtimeStatus === 'Suspended' });
        expect(
            (await httpJson('POST', started.sendEventPostUri.replace('{eventName}', 'go'), JSON.stringify('payload')))
                .status,
        ).toBe(202);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect((await httpJson('GET', started.statusQueryGetUri)).body.runtimeStatus).toBe('Suspended');
        expect((await httpJson('POST', started.resumePostUri.replace('{text}', 'go on'))).status).toBe(202);
        expect((await pollStatus(started.statusQueryGetUri)).output).toEqual({ received: 'payload' });
    });

    it('lists instances with filters and continuation tokens, and purges', async () => {
        const completed = await httpJson('GET', `${api}/instances?runtimeStatus=Completed`);
        expect(completed.status).toBe(200);
        expect(completed.body.length).toBeGreaterThan(3);
        expect(completed.body.every((s: { runtimeStatus: string }) => s.runtimeStatus === 'Completed')).toBe(true);
        const seen: string[] = [];
        let token: string | null = null;
        do {
            const page: JsonResponse<{ instanceId: string }[]> = await httpJson(
                'GET',
                `${api}/instances?top=2`,
                undefined,
                token ? { 'x-ms-continuation-token': token } : {},
            );
            expect(page.body.length).toBeLessThanOrEqual(2);
            seen.push(...page.body.map((s: { instanceId: string }) => s.instanceId));
            token = page.headers.get('x-ms-continuation-token');
        } while (token);
        const all = await httpJson('GET', `${api}/instances?top=1000`);
        expect(seen).toEqual(all.body.map((s: { instanceId: string }) => s.instanceId));
        const future = await httpJson('GET', `${api}/instances?createdTimeFrom=2999-01-01T00:00:00Z`);
        expect(future.body).toEqual([]);
        // Restarted above, so running again: like Azure's HttpApiHandler, only terminal instances are purged (412).
        expect((await httpJson('DELETE', `${api}/instances/to-terminate`)).status).toBe(412);
        await httpJson('POST', `${api}/instances/to-terminate/terminate`);
        await pollStatus(`${api}/instances/to-terminate`);
        const purged = await httpJson('DELETE', `${api}/instances/to-terminate`);
        expect(purged.body).toEqual({ instancesDeleted: 1 });
        expect((await httpJson('GET', `${api}/instances/to-terminate`)).status).toBe(404);
    });

    it('routes HTTP functions with typed route parameters and methods', async () => {
        const ok = await httpJson('GET', `${host.url}/api/items/42?q=x`);
        expect(ok.body).toEqual({ id: '42', method: 'GET', q: 'x' });
        expect((await httpJson('GET', `${host.url}/api/items/abc`)).status).toBe(404);
        expect((await httpJson('POST', `${host.url}/api/items/42`)).status).toBe(405);
    });

    it("answers with the body's length when a function sets its own Content-Length", async () => {
        const response = await httpJson('GET', `${host.url}/api/with-length`);
        expect(response).toMatchObject({ status: 200, text: 'hello' });
        expect(response.headers.get('content-length')).toBe('5');
        expect(response.headers.get('x-kept')).toBe('yes');
    });
});
