import type { HttpRequest, HttpResponseInit } from '@azure/functions';

export const MAX_BODY_BYTES = 64 * 1024;
/**
 * Durable's .NET host reads payloads with Json.NET, whose default MaxDepth is 64; deeper input would also overflow the
 * serializer's stack.
 */
export const MAX_INPUT_DEPTH = 64;

export type ParsedInput = { ok: true; input: unknown } | { ok: false; response: HttpResponseInit };

export function jsonError(status: number, error: string, details: Record<string, unknown> = {}): HttpResponseInit {
    return { status, jsonBody: { error, ...details } };
}

/** The orchestration input from a starter request: no body → none; otherwise JSON within the size and depth limits. */
export async function readOrchestrationInput(request: HttpRequest): Promise<ParsedInput> {
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
    let input: unknown;
    try {
        input = JSON.parse(text);
    } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        return {
            ok: false,
            response: jsonError(400, `Request body is not valid JSON (${reason}). Send a JSON value or no body.`),
        };
    }
    if (depthOf(input) > MAX_INPUT_DEPTH) {
        return {
            ok: false,
            response: jsonError(
                400,
                `Request body nests deeper than ${MAX_INPUT_DEPTH} levels. Send a flatter JSON value.`,
                { maxDepth: MAX_INPUT_DEPTH },
            ),
        };
    }
    return { ok: true, input };
}

function tooLarge(bytes: number): HttpResponseInit {
    return jsonError(413, `Request body is ${bytes} bytes; the orchestration input limit is ${MAX_BODY_BYTES} bytes.`, {
        maxBytes: MAX_BODY_BYTES,
    });
}

/** Nesting depth of a parsed JSON value, without recursion (the value may be arbitrarily deep). */
function depthOf(value: unknown): number {
    let deepest = 0;
    const stack: [unknown, number][] = [[value, 1]];
    while (stack.length > 0) {
        const [item, depth] = stack.pop()!;
        if (item === null || typeof item !== 'object') continue;
        deepest = Math.max(deepest, depth);
        for (const child of Object.values(item)) stack.push([child, depth + 1]);
    }
    return deepest;
}
