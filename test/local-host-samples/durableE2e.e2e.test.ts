import { request, type IncomingMessage } from 'node:http';
import * as path from 'node:path';
import { httpJson, pollStatus, startLocalHost, type LocalHost } from '../support/localHost';

/**
 * An app in the shape of the Durable extension's own Node end-to-end app (test/e2e/Apps/BasicNode:
 * TypeScript, `main` with braces, `app.setup({ enableHttpStream: true })`, HTTP functions reading
 * query values as `request.params`), run unchanged on the local host.
 */
const MB = 1024 * 1024;
let host: LocalHost;
let api: string;
const webhooks = (): string => `${host.url}/runtime/webhooks/durabletask`;

beforeAll(async () => {
    host = await startLocalHost({ app: path.join(__dirname, '../apps/durable-e2e') });
    api = `${host.url}/api`;
});
afterAll(async () => {
    await host?.stop();
});

async function startOrchestration(name: string, input = ''): Promise<{ id: string; statusQueryGetUri: string }> {
    const started = await httpJson('POST', `${api}/StartOrchestration?orchestrationName=${name}`, input, {
        'content-type': 'text/plain',
    });
    expect(started.status).toBe(202);
    return started.body;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
    for (let i = 0; i < 500; i++) {
        const value = await read();
        if (done(value)) return value;
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`gave up waiting for ${what}`);
}

describe("the Durable extension's Node e2e app shape, unchanged", () => {
    it('loads main "dist/src/{index.js,functions/*.js}" from the TypeScript sources, setup file included', () => {
        expect(host.output()).toMatch(/App: .*durable-e2e \(6 file\(s\), from TypeScript sources\)/);
        expect(host.output()).toMatch(/HTTP streaming enabled/);
    });

    it('streams HTTP functions: query values and route parameters reach request.params as the host sends them', async () => {
        const echo = await httpJson('GET', `${api}/echo/abc?id=fromquery&q=hello&code=secret`);
        expect(echo.status).toBe(200);
        expect(echo.body).toEqual({
            params: { id: 'abc', q: 'hello' },
            q: 'hello',
            url: `${api}/echo/abc?id=fromquery&q=hello&code=secret`,
            invocationHeader: null,
        });
        const started = await startOrchestration('Cities');
        expect((await pollStatus(started.statusQueryGetUri)).output).toEqual([
            'Hello Tokyo!',
            'Hello Seattle!',
            'Hello London!',
        ]);
    });

    it('uploads several MB without the host buffering them: the function counts the first MB before the rest is sent', async () => {
        const req = request(`${api}/upload?run=up1`, {
            method: 'POST',
            headers: { 'content-type': 'application/octet-stream', 'content-length': String(8 * MB) },
        });
        const answered = new Promise<{ status?: number; text: string }>((resolve, reject) => {
            req.on('response', (res: IncomingMessage) => {
                let text = '';
                res.on('data', (chunk: Buffer) => (text += chunk.toString()));
                res.on('end', () => resolve({ status: res.statusCode, text }));
            });
            req.on('error', reject);
        });
        req.write(Buffer.alloc(MB, 7));
        const progress = await until(
            async () => (await httpJson('GET', `${api}/progress?run=up1`)).body.bytes as number,
            (bytes) => bytes >= MB,
            'the first MB to reach the function',
        );
        expect(progress).toBe(MB);
        for (let i = 1; i < 8; i++) req.write(Buffer.alloc(MB, i));
        req.end();
        expect(await answered).toEqual({ status: 200, text: `Bytes received: ${8 * MB}` });
    });

    it('downloads several MB as the function produces them: the first MB arrives while the function still runs', async () => {
        const chunks: Buffer[] = [];
        let received = 0;
        let ended = false;
        let firstMb: () => void = () => undefined;
        const gotFirstMb = new Promise<void>((resolve) => (firstMb = resolve));
        const done = new Promise<number | undefined>((resolve, reject) => {
            request(`${api}/download?run=down1&mb=6`, (res) => {
                res.on('data', (chunk: Buffer) => {
                    chunks.push(chunk);
                    received += chunk.length;
                    if (received >= MB) firstMb();
                });
                res.on('end', () => {
                    ended = true;
                    resolve(res.statusCode);
                });
            })
                .on('error', reject)
                .end();
        });
        await gotFirstMb;
        expect(received).toBe(MB);
        expect(ended).toBe(false);
        expect((await httpJson('POST', `${api}/release?run=down1`)).status).toBe(200);
        expect(await done).toBe(200);
        const body = Buffer.concat(chunks);
        expect(body.length).toBe(6 * MB);
        expect(body.subarray(0, MB).every((b) => b === 1)).toBe(true);
        expect(body.subarray(MB).every((b) => b === 2)).toBe(true);
    });

    it('a streamed function that throws answers 500 with its error, and the host keeps serving', async () => {
        const failed = await httpJson('POST', `${api}/boom?what=purpose`, Buffer.alloc(3 * MB, 1), {
            'content-type': 'application/octet-stream',
        });
        expect(failed.status).toBe(500);
        expect(failed.body.error).toBe("Function 'Boom' failed: boom on purpose");
        expect((await httpJson('GET', `${api}/echo/again`)).body.params).toEqual({ id: 'again' });
    });

    it("a failed activity reads as the extension records it: plain Error, 'Activity function ... failed:' in the orchestrator and the status", async () => {
        const caught = await pollStatus((await startOrchestration('CatchActivityFailure')).statusQueryGetUri);
        const output = caught.output as { caught: string; name: string; message: string };
        expect(output.name).toBe('Error');
        expect(output.message).toMatch(
            /^Activity function 'Flaky' failed: This activity failed \n \{"\$type":"System\.Exception, System\.Private\.CoreLib"/,
        );
        expect(output.message).toContain('RpcException');
        const rethrown = await startOrchestration('RethrowActivityFailure');
        const failed = await pollStatus(rethrown.statusQueryGetUri);
        expect(failed.runtimeStatus).toBe('Failed');
        expect(failed.output).toMatch(
            /^Orchestrator function 'RethrowActivityFailure' failed: Activity function 'Flaky' failed: This activity failed \n /,
        );
        const history = (await httpJson('GET', `${rethrown.statusQueryGetUri}&showHistory=true&showHistoryOutput=true`))
            .body.historyEvents as Record<string, unknown>[];
        const taskFailed = history.find((e) => e.EventType === 'TaskFailed')!;
        expect(taskFailed.Reason).toBe("Activity function 'Flaky' failed: This activity failed");
        expect(taskFailed.FailureDetails).toBeUndefined();
        expect(JSON.parse(taskFailed.Details as string).InnerException.Message).toMatch(
            /^Result: Failure\nException: This activity failed\nStack: Error: This activity failed/,
        );
    });

    it('suspending a suspended instance or resuming a running one fails as in the extension', async () => {
        const { id, statusQueryGetUri } = await startOrchestration('WaitForApproval');
        await pollStatus(statusQueryGetUri, { until: (s) => s.runtimeStatus === 'Running' });
        const resumeRunning = await httpJson('POST', `${api}/ResumeInstance?instanceId=${id}`);
        expect(resumeRunning.status).toBe(400);
        expect(resumeRunning.text).toContain(
            `Error: The operation failed with an unexpected status code: 500. Details: `,
        );
        expect(resumeRunning.text).toContain(
            `Cannot resume the orchestration instance ${id} because instance is in the Running state.`,
        );
        expect((await httpJson('POST', `${api}/SuspendInstance?instanceId=${id}`)).status).toBe(200);
        await pollStatus(statusQueryGetUri, { until: (s) => s.runtimeStatus === 'Suspended' });
        const again = await httpJson('POST', `${webhooks()}/instances/${id}/suspend`);
        expect(again.status).toBe(500);
        expect(again.body).toEqual({
            Message: 'Something went wrong while processing your request',
            ExceptionMessage: `Cannot suspend the orchestration instance ${id} because instance is in the Suspended state.`,
            ExceptionType: 'System.InvalidOperationException',
            StackTrace: null,
        });
        expect((await httpJson('POST', `${api}/ResumeInstance?instanceId=${id}`)).status).toBe(200);
        await pollStatus(statusQueryGetUri, { until: (s) => s.runtimeStatus === 'Running' });
        expect((await httpJson('POST', `${webhooks()}/instances/${id}/raiseEvent/approval`, '"yes"')).status).toBe(202);
        expect((await pollStatus(statusQueryGetUri)).output).toBe('approved: yes');
    });

    it('a parent that failed fast in Task.all, whose last child failed after it, finishes once rewound', async () => {
        const { id, statusQueryGetUri } = await startOrchestration('RewindParent', 'r1');
        expect((await pollStatus(statusQueryGetUri)).runtimeStatus).toBe('Failed');
        // The late child fails now, after its parent: that failure reaches an instance that has already failed.
        expect((await httpJson('POST', `${webhooks()}/instances/${id}:1/raiseEvent/go`, '{}')).status).toBe(202);
        expect((await pollStatus(`${webhooks()}/instances/${id}:1`)).runtimeStatus).toBe('Failed');
        expect((await httpJson('POST', `${api}/RewindInstance?instanceId=${id}`)).status).toBe(200);
        const rewound = await pollStatus(statusQueryGetUri, {
            until: (s) => s.runtimeStatus !== 'Failed' && s.runtimeStatus !== 'Running',
        });
        expect(rewound.runtimeStatus).toBe('Completed');
        expect(rewound.output).toEqual(['r1-fast succeeded', 'r1-late succeeded']);
    });

    it("a sub-orchestration's sub-orchestration that failed (entity calls on the way) is rewound with its parents, and all complete", async () => {
        const { id, statusQueryGetUri } = await startOrchestration('RewindNestedRoot', 'n1');
        expect((await pollStatus(statusQueryGetUri)).runtimeStatus).toBe('Failed');
        expect((await httpJson('POST', `${api}/RewindInstance?instanceId=${id}`)).status).toBe(200);
        const rewound = await pollStatus(statusQueryGetUri, {
            until: (s) => s.runtimeStatus !== 'Failed' && s.runtimeStatus !== 'Running',
        });
        expect(rewound.runtimeStatus).toBe('Completed');
        expect(rewound.output).toEqual(['n1-m1-leaf leaf done', 'n1-m2-leaf leaf done', 'n1-sibling succeeded']);
        for (const child of [`${id}:0`, `${id}:1`])
            expect((await pollStatus(`${webhooks()}/instances/${child}`)).runtimeStatus).toBe('Completed');
    });

    it('entities are instances: read and purged through the instance API and the client, counted by a purge by filter', async () => {
        expect((await httpJson('POST', `${api}/SignalCounter?key=k1&amount=5`)).status).toBe(202);
        const entity = await until(
            async () => httpJson('GET', `${webhooks()}/instances/@counter@k1`),
            (r) => r.status === 202 && r.body.input?.state === '5',
            'the counter to reach 5',
        );
        expect(entity.body).toMatchObject({
            name: 'counter',
            instanceId: '@counter@k1',
            runtimeStatus: 'Running',
            input: { exists: true, state: '5' },
        });
        expect((await httpJson('GET', `${api}/GetStatus?instanceId=@counter@k1`)).body).toMatchObject({
            instanceId: '@counter@k1',
            runtimeStatus: 'Running',
        });
        expect((await httpJson('GET', `${api}/PurgeOrchestrationHistory?instanceId=@counter@k1`)).text).toBe(
            'Purged 1 records',
        );
        expect((await httpJson('GET', `${webhooks()}/instances/@counter@k1`)).status).toBe(404);
        expect((await httpJson('GET', `${api}/PurgeOrchestrationHistory?instanceId=@counter@k1`)).text).toBe(
            'Purged 0 records',
        );

        const added = await startOrchestration('AddToCounter', 'k2');
        expect((await pollStatus(added.statusQueryGetUri)).output).toBe(5);
        const since = new Date(Date.now() - 10 * 60_000).toISOString();
        const terminalOnly = await httpJson(
            'DELETE',
            `${webhooks()}/instances?createdTimeFrom=${since}&runtimeStatus=Completed,Running`,
        );
        expect(terminalOnly.status).toBe(200);
        expect((await httpJson('GET', `${webhooks()}/instances/@counter@k2`)).status).toBe(202);
        const everything = await httpJson('DELETE', `${webhooks()}/instances?createdTimeFrom=${since}`);
        expect(everything.body.instancesDeleted).toBeGreaterThanOrEqual(1);
        expect((await httpJson('GET', `${webhooks()}/instances/@counter@k2`)).status).toBe(404);
    });
});
