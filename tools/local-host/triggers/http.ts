import type { RpcHttpData, RpcTypedData, WorkerCapabilities } from '../worker-process/functionsCore';
import type { AppFunctions } from '../worker-channel/appFunctions';
import { triggerName } from './triggerName';

export interface HttpResult {
    status: number;
    headers: Record<string, string>;
    cookies: unknown[];
    body: Buffer;
}

/**
 * The trigger metadata the host sends with an HTTP invocation: every query value (but `code`) and
 * then every route parameter as a string, plus the `Query` and `Headers` collections unless a value
 * took those names (azure-webjobs-sdk-extensions src/WebJobs.Extensions.Http/HttpTriggerAttributeBindingProvider.cs
 * GetRequestBindingData; keys compare case-insensitively there). With HTTP streaming, @azure/functions
 * makes every string entry a `request.params` value, so `?x=1` reads as `request.params.x`.
 */
export function httpTriggerMetadata(request: RpcHttpData): Record<string, RpcTypedData> {
    const metadata: Record<string, RpcTypedData> = {};
    const set = (key: string, value: RpcTypedData): void => {
        const existing = Object.keys(metadata).find((k) => k.toLowerCase() === key.toLowerCase());
        if (existing) delete metadata[existing];
        metadata[key] = value;
    };
    for (const [key, value] of Object.entries(request.query ?? {}))
        if (key.toLowerCase() !== 'code') set(key, { string: value });
    for (const [key, value] of Object.entries(request.params ?? {})) set(key, { string: value });
    const has = (key: string): boolean => Object.keys(metadata).some((k) => k.toLowerCase() === key.toLowerCase());
    if (!has('Query')) metadata.Query = { json: JSON.stringify(request.query ?? {}) };
    if (!has('Headers')) metadata.Headers = { json: JSON.stringify(request.headers ?? {}) };
    return metadata;
}

export interface HttpStreaming {
    invocationId: string;
    /** Runs with the worker's capabilities right before the invocation is sent: the host starts forwarding there. */
    forward(capabilities: WorkerCapabilities): void;
}

/**
 * Invokes an HTTP-triggered function; `extraInputs` carries other input bindings (e.g. the durable
 * client). With `streaming` the trigger input is the empty RpcHttp the host sends to a proxying
 * worker (azure-functions-host src/WebJobs.Script.Grpc/MessageExtensions/GrpcMessageConversionExtensions.cs
 * ToRpcHttp: EmptyRpcHttp) and the
 * response travels through the forwarded request instead: the result is then undefined.
 */
export async function invokeHttp(
    functions: AppFunctions,
    functionName: string,
    request: RpcHttpData,
    extraInputs: Record<string, RpcTypedData>,
    streaming?: HttpStreaming,
): Promise<HttpResult | undefined> {
    const name = triggerName(functions, functionName, 'httpTrigger');
    const input = {
        inputData: { [name]: { http: streaming ? {} : request }, ...extraInputs },
        triggerMetadata: httpTriggerMetadata(request),
        invocationId: streaming?.invocationId,
    };
    const response = await functions.invoke(
        functionName,
        input,
        streaming ? (capabilities) => streaming.forward(capabilities) : undefined,
    );
    if (streaming) return undefined;
    const bindings = functions.registrations.get(functionName)!.metadata.bindings;
    const httpOutput =
        Object.keys(bindings).find((key) => bindings[key].type === 'http' && bindings[key].direction === 'out') ??
        '$return';
    const data = response.outputData?.find((o) => o.name === httpOutput)?.data ?? response.returnValue;
    const http = data?.http;
    if (!http) return { status: 204, headers: {}, cookies: [], body: Buffer.alloc(0) };
    return {
        status: Number(http.statusCode ?? 200),
        headers: http.headers ?? {},
        cookies: http.cookies ?? [],
        body: typedBody(http.body),
    };
}

function typedBody(body: RpcTypedData | null | undefined): Buffer {
    if (!body) return Buffer.alloc(0);
    if (body.bytes != null) return Buffer.from(body.bytes);
    if (body.stream != null) return Buffer.from(body.stream);
    if (body.string != null) return Buffer.from(body.string);
    if (body.json != null) return Buffer.from(body.json);
    if (body.int != null || body.double != null) return Buffer.from(String(body.int ?? body.double));
    return Buffer.alloc(0);
}
