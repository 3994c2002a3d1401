import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { durableClientBindingData } from '../../tools/local-host/durable-api/clientBinding';
import { notAnOrchestratorMessage } from '../../tools/local-host/engine/errors';
import type { RpcHttpData } from '../../tools/local-host/worker-process/functionsCore';
import { AppHarness } from '../support/appHarness';

const mockHarness = new AppHarness();
jest.mock('@azure/functions-core', () => mockHarness.core.api, { virtual: true });

/**
 * Stands in for the Durable extension's HTTP API: records each start request it receives, and refuses a
 * name that is not a registered orchestrator as the extension does (400, ArgumentException).
 */
const started: { path: string; body: string }[] = [];
let server: Server;
let origin: string;

function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString()));
    });
}

beforeAll(async () => {
    server = createServer(async (req, res) => {
        const body = await readBody(req);
        const name = decodeURIComponent(/\/orchestrators\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '');
        const orchestrators = [...mockHarness.core.registrations.values()]
            .filter((r) => r.trigger.type === 'orchestrationTrigger')
            .map((r) => r.metadata.name);
        if (name === 'overloaded') {
            res.writeHead(500, { 'content-type': 'application/json' }).end(
                JSON.stringify({ Message: 'Something went wrong while processing your request' }),
            );
            return;
        }
        if (!orchestrators.includes(name)) {
            const refusal = {
                Message: 'One or more of the arguments submitted is incorrect',
                ExceptionMessage: notAnOrchestratorMessage(name, orchestrators),
                ExceptionType: 'System.ArgumentException',
            };
            res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(refusal));
            return;
        }
        started.push({ path: req.url ?? '', body });
        res.writeHead(202, { 'content-type': 'application/json' }).end(
            JSON.stringify({ id: `instance-${started.length}` }),
        );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.WEBSITE_HOSTNAME = origin.replace('http://', '');
    require('../../app/src/functions/hello');
    require('../../app/src/functions/hello_orchestrator');
    require('../../app/src/functions/http_start');
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
    started.length = 0;
});

interface StarterResponse {
    status: number;
    headers: Record<string, string>;
    json: Record<string, unknown>;
}

async function callStarter(
    functionName: string,
    method: string,
    body?: string | Buffer,
    headers: Record<string, string> = {},
): Promise<StarterResponse> {
    const bindings = mockHarness.core.registrations.get('http_start')!.metadata.bindings;
    const httpName = Object.keys(bindings).find((name) => bindings[name].type === 'httpTrigger')!;
    const clientName = Object.keys(bindings).find((name) => bindings[name].type === 'durableClient')!;
    const bytes = body === undefined ? undefined : Buffer.from(body);
    const request: RpcHttpData = {
        method,
        url: `${origin}/api/orchestrators/${functionName}`,
        headers: { ...headers, ...(bytes ? { 'content-length': String(bytes.length) } : {}) },
        body: bytes ? { bytes } : undefined,
        params: { functionName },
        query: {},
    };
    const response = await mockHarness.invoke('http_start', {
        [httpName]: { http: request },
        [clientName]: { string: JSON.stringify(durableClientBindingData(origin, 'TestHubName')) },
    });
    const http = response.outputData?.find((o) => o.name === '$return')?.data?.http ?? response.returnValue?.http;
    if (!http) throw new Error(`no HTTP response in ${JSON.stringify(response)}`);
    const text = Buffer.from(http.body?.bytes ?? new Uint8Array()).toString();
    return { status: Number(http.statusCode), headers: http.headers ?? {}, json: text ? JSON.parse(text) : {} };
}

describe('http_start', () => {
    it('is registered at orchestrators/{functionName} for GET and POST with a durable client input', () => {
        const bindings = Object.values(mockHarness.core.registrations.get('http_start')!.metadata.bindings);
        expect(bindings).toEqual(
            expect.arrayContaining([
                expect.objectContaining({
                    type: 'httpTrigger',
                    route: 'orchestrators/{functionName}',
                    methods: ['GET', 'POST'],
                    authLevel: 'function',
                }),
                expect.objectContaining({ type: 'durableClient', direction: 'in' }),
            ]),
        );
    });

    it('starts a known orchestrator with the JSON body as input and answers with the check-status response', async () => {
        const response = await callStarter('hello_orchestrator', 'POST', JSON.stringify({ greeting: 'hi' }), {
            'content-type': 'application/json',
        });
        expect(response.status).toBe(202);
        expect(started).toEqual([
            { path: '/runtime/webhooks/durabletask/orchestrators/hello_orchestrator', body: '{"greeting":"hi"}' },
        ]);
        const id = 'instance-1';
        expect(response.json).toEqual({
            id,
            statusQueryGetUri: `${origin}/runtime/webhooks/durabletask/instances/${id}?taskHub=TestHubName&connection=Storage`,
            sendEventPostUri: `${origin}/runtime/webhooks/durabletask/instances/${id}/raiseEvent/{eventName}?taskHub=TestHubName&connection=Storage`,
            terminatePostUri: `${origin}/runtime/webhooks/durabletask/instances/${id}/terminate?reason={text}&taskHub=TestHubName&connection=Storage`,
            rewindPostUri: `${origin}/runtime/webhooks/durabletask/instances/${id}/rewind?reason={text}&taskHub=TestHubName&connection=Storage`,
            purgeHistoryDeleteUri: `${origin}/runtime/webhooks/durabletask/instances/${id}?taskHub=TestHubName&connection=Storage`,
            restartPostUri: `${origin}/runtime/webhooks/durabletask/instances/${id}/restart?taskHub=TestHubName&connection=Storage`,
            suspendPostUri: `${origin}/runtime/webhooks/durabletask/instances/${id}/suspend?reason={text}&taskHub=TestHubName&connection=Storage`,
            resumePostUri: `${origin}/runtime/webhooks/durabletask/instances/${id}/resume?reason={text}&taskHub=TestHubName&connection=Storage`,
        });
        expect(response.headers['location']).toBe(response.json.statusQueryGetUri);
        expect(response.headers['retry-after']).toBe('10');
    });

    it('starts with no input on a GET or an empty POST', async () => {
        expect((await callStarter('hello_orchestrator', 'GET')).status).toBe(202);
        expect((await callStarter('hello_orchestrator', 'POST', '')).status).toBe(202);
        expect(started.map((s) => s.path)).toEqual(
            Array(2).fill('/runtime/webhooks/durabletask/orchestrators/hello_orchestrator'),
        );
    });

    it('answers 404 with the orchestrators the extension knows when it refuses the name (a typo, or an activity), starting nothing', async () => {
        for (const name of ['hello_orchestrater', 'hello']) {
            const response = await callStarter(name, 'POST', '{}');
            expect(response.status).toBe(404);
            expect(response.json).toEqual({
                error: `No orchestrator named '${name}'. Use one of: hello_orchestrator.`,
                knownOrchestrators: ['hello_orchestrator'],
            });
        }
        expect(started).toHaveLength(0);
    });

    it('does not turn any other failure of the start into a 404: the invocation fails (the host answers 500)', async () => {
        await expect(callStarter('overloaded', 'POST')).rejects.toThrow(
            'The operation failed with an unexpected status code: 500.',
        );
    });

    it('answers 400 for a body that is not JSON, starting nothing', async () => {
        const response = await callStarter('hello_orchestrator', 'POST', '{"city": Seattle}');
        expect(response.status).toBe(400);
        expect(response.json.error).toMatch(/not valid JSON/);
        expect(started).toHaveLength(0);
    });

    it('answers 400 for JSON nested deeper than 64 levels, starting nothing, and accepts 64', async () => {
        const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
        const response = await callStarter('hello_orchestrator', 'POST', nested(20000));
        expect(response.status).toBe(400);
        expect(response.json).toEqual({ error: expect.stringMatching(/deeper than 64 levels/), maxDepth: 64 });
        expect(started).toHaveLength(0);
        expect((await callStarter('hello_orchestrator', 'POST', nested(64))).status).toBe(202);
    });

    it('answers 413 for a body over 64 KiB, starting nothing', async () => {
        const response = await callStarter('hello_orchestrator', 'POST', JSON.stringify('x'.repeat(64 * 1024)));
        expect(response.status).toBe(413);
        expect(response.json).toEqual({ error: expect.stringMatching(/65536 bytes/), maxBytes: 65536 });
        expect(started).toHaveLength(0);
    });

    it('accepts a body of exactly 64 KiB', async () => {
        const response = await callStarter('hello_orchestrator', 'POST', JSON.stringify('x'.repeat(64 * 1024 - 2)));
        expect(response.status).toBe(202);
    });
});
