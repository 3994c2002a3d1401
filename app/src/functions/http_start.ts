import { app, type HttpHandler, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { starterAuthLevel } from '../lib/authLevel';
import { knownOrchestrations } from '../lib/orchestrations';

export const MAX_BODY_BYTES = 64 * 1024;

type ParsedInput = { ok: true; input: unknown } | { ok: false; response: HttpResponseInit };

function jsonError(status: number, error: string, details: Record<string, unknown> = {}): HttpResponseInit {
    return { status, jsonBody: { error, ...details } };
}

async function readInput(request: HttpRequest): Promise<ParsedInput> {
    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > MAX_BODY_BYTES) {
        return { ok: false, response: tooLarge(declared) };
    }
    const body = Buffer.from(await request.arrayBuffer());
    if (body.length > MAX_BODY_BYTES) {
        return { ok: false, response: tooLarge(body.length) };
    }
    const text = body.toString('utf8');
    if (text.trim() === '') {
        return { ok: true, input: undefined };
    }
    try {
        return { ok: true, input: JSON.parse(text) };
    } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        return {
            ok: false,
            response: jsonError(400, `Request body is not valid JSON (${reason}). Send a JSON value or no body.`),
        };
    }
}

function tooLarge(bytes: number): HttpResponseInit {
    return jsonError(413, `Request body is ${bytes} bytes; the orchestration input limit is ${MAX_BODY_BYTES} bytes.`, {
        maxBytes: MAX_BODY_BYTES,
    });
}

export const httpStart: HttpHandler = async (request: HttpRequest, context: InvocationContext) => {
    const functionName = request.params.functionName ?? '';
    const known = knownOrchestrations();
    if (!known.includes(functionName)) {
        return jsonError(404, `No orchestrator named '${functionName}'. Use one of: ${known.join(', ')}.`, {
            knownOrchestrators: known,
        });
    }
    const parsed = await readInput(request);
    if (!parsed.ok) {
        return parsed.response;
    }
    const client = df.getClient(context);
    const instanceId = await client.startNew(functionName, { input: parsed.input });
    context.log(`Started orchestration '${functionName}' with ID '${instanceId}'.`);
    return client.createCheckStatusResponse(request, instanceId);
};

app.http('http_start', {
    route: 'orchestrators/{functionName}',
    methods: ['GET', 'POST'],
    authLevel: starterAuthLevel(),
    extraInputs: [df.input.durableClient()],
    handler: httpStart,
});
