import type { RpcHttpData, RpcTypedData, WorkerCapabilities } from '../worker/functionsCore';
import { fromTypedData } from '../worker/invoke';
import type { EpisodeRequest } from '../worker/episodes';
import type { AppFunctions } from './appFunctions';


/** The state an orchestrator episode returns (durable-functions OrchestratorState). */
export interface OrchestratorState {
    isDone: boolean;
    actions: unknown[];
    output?: unknown;
    error?: string;
    customStatus?: unknown;
    schemaVersion: number;
    failureDetails?: Record<string, unknown>;
}

export type OrchestratorOutcome = { ok: true; state: OrchestratorState } | { ok: false; state?: OrchestratorState; error: Error };

const OUT_OF_PROC_DATA = '\n\n$OutOfProcData$:';

export function triggerName(functions: AppFunctions, functionName: string, triggerType: string): string {
    const registration = functions.registrations.get(functionName);
    if (!registration || registration.trigger.type !== triggerType) {
        const known = [...functions.registrations.values()].filter((r) => r.trigger.type === triggerType).map((r) => r.metadata.name);
        throw new Error(`The function '${functionName}' doesn't exist, is disabled, or is not a${/^[aeiou]/i.test(triggerType) ? 'n' : ''} ${triggerType} function. Known: ${known.join(', ') || 'none'}.`);
    }
    return registration.triggerName;
}

/**
 * Runs one orchestrator episode with the trigger the Durable extension sends (OutOfProcOrchestrationShim /
 * RemoteOrchestratorContext: `{ history, input, instanceId, isReplaying, ... }`, built by worker/episodes.ts).
 * A failing orchestrator makes the invocation throw an OrchestrationFailureError whose message carries
 * the OrchestratorState after `$OutOfProcData$:`.
 */
export async function invokeOrchestrator(functions: AppFunctions, functionName: string, episode: Omit<EpisodeRequest, 'triggerName'>): Promise<OrchestratorOutcome> {
    const outcome = await runOrchestrator(functions, functionName, episode);
    if (!outcome.ok || outcome.state.isDone) functions.endEpisodes(episode.fields.instanceId);
    return outcome;
}

async function runOrchestrator(functions: AppFunctions, functionName: string, episode: Omit<EpisodeRequest, 'triggerName'>): Promise<OrchestratorOutcome> {
    try {
        const name = triggerName(functions, functionName, 'orchestrationTrigger');
        const response = await functions.invokeEpisode(functionName, { ...episode, triggerName: name });
        return { ok: true, state: fromTypedData(response.returnValue) as OrchestratorState };
    } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        const at = error.message.indexOf(OUT_OF_PROC_DATA);
        if (at < 0) return { ok: false, error };
        const state = JSON.parse(error.message.slice(at + OUT_OF_PROC_DATA.length)) as OrchestratorState;
        const failure = new Error(state.error ?? error.message.slice(0, at));
        failure.stack = error.stack;
        return { ok: false, state, error: failure };
    }
}

/** Runs an activity with its JSON input; resolves to the JSON text of its result. `workKey`: the task, for redeliveries. */
export async function invokeActivity(functions: AppFunctions, functionName: string, inputJson: string | undefined, workKey?: string): Promise<string> {
    const name = triggerName(functions, functionName, 'activityTrigger');
    const response = await functions.invoke(functionName, { inputData: { [name]: { json: inputJson ?? 'null' } }, workKey });
    reportUndeliveredOutputs(functions, functionName, response.outputData ?? []);
    const output = response.outputData?.find((o) => o.name === '$return')?.data ?? response.returnValue;
    return JSON.stringify(fromTypedData(output) ?? null);
}

/**
 * An activity's other output bindings (blob, Twilio, queue, ...) need their cloud service. The activity
 * still runs so the orchestration gets its result as in Azure, and what it set there is logged rather
 * than dropped silently (the samples' SMS challenge code, for one).
 */
function reportUndeliveredOutputs(functions: AppFunctions, functionName: string, outputData: { name: string; data: RpcTypedData | null | undefined }[]): void {
    const bindings = functions.registrations.get(functionName)?.metadata.bindings ?? {};
    for (const { name, data } of outputData) {
        if (name === '$return' || data == null) continue;
        const value = fromTypedData(data);
        const shown = Buffer.isBuffer(value) ? `${value.length} bytes` : JSON.stringify(value);
        const preview = shown.length > 300 ? `${shown.slice(0, 300)}...` : shown;
        functions.log('warning', 'system', `Activity '${functionName}' set its '${bindings[name]?.type ?? name}' output, which is not delivered locally (it is in Azure): ${preview}`);
    }
}

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
    for (const [key, value] of Object.entries(request.query ?? {})) if (key.toLowerCase() !== 'code') set(key, { string: value });
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
export async function invokeHttp(functions: AppFunctions, functionName: string, request: RpcHttpData, extraInputs: Record<string, RpcTypedData>, streaming?: HttpStreaming): Promise<HttpResult | undefined> {
    const name = triggerName(functions, functionName, 'httpTrigger');
    const input = {
        inputData: { [name]: { http: streaming ? {} : request }, ...extraInputs },
        triggerMetadata: httpTriggerMetadata(request),
        invocationId: streaming?.invocationId,
    };
    const response = await functions.invoke(functionName, input, streaming ? (capabilities) => streaming.forward(capabilities) : undefined);
    if (streaming) return undefined;
    const bindings = functions.registrations.get(functionName)!.metadata.bindings;
    const httpOutput = Object.keys(bindings).find((key) => bindings[key].type === 'http' && bindings[key].direction === 'out') ?? '$return';
    const data = response.outputData?.find((o) => o.name === httpOutput)?.data ?? response.returnValue;
    const http = data?.http;
    if (!http) return { status: 204, headers: {}, cookies: [], body: Buffer.alloc(0) };
    return { status: Number(http.statusCode ?? 200), headers: http.headers ?? {}, cookies: http.cookies ?? [], body: typedBody(http.body) };
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
