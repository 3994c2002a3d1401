import { invokeFunction } from './invoke';
import { HistoryCache, HistorySender, type EpisodeRequest } from './episodeHistory';
import type { InvocationInput } from './protocol';
import { FunctionRegistry, type FunctionCallback, type LogLevel } from '../../../infra/package/functionRegistry';

export { Disposable, FunctionRegistry } from '../../../infra/package/functionRegistry';
export type {
    FunctionCallback,
    FunctionMetadata,
    HookName,
    LogLevel,
    Registration,
    RpcBindingInfo,
} from '../../../infra/package/functionRegistry';

/**
 * The `@azure/functions-core` module as the Node worker provides it to an app: the app's
 * `@azure/functions` library registers functions and its programming model here. The real module
 * lives in the worker (azure-functions-nodejs-worker, src/coreApi) and is not on npm. The registry half
 * (registration, hooks, the version strings) is the package's (infra/package/functionRegistry.ts, which
 * the manifest indexes the bundle with); this adds the invocation.
 */

export interface RpcTypedData {
    string?: string | null;
    json?: string | null;
    bytes?: Uint8Array | null;
    stream?: Uint8Array | null;
    http?: RpcHttpData | null;
    int?: number | null;
    double?: number | null;
}

export interface RpcHttpData {
    method?: string | null;
    url?: string | null;
    headers?: Record<string, string> | null;
    body?: RpcTypedData | null;
    params?: Record<string, string> | null;
    statusCode?: string | null;
    query?: Record<string, string> | null;
    enableContentNegotiation?: boolean | null;
    cookies?: unknown[] | null;
}

export interface InvocationModel {
    getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
    invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
    getResponse(context: unknown, result: unknown): Promise<InvocationResponse>;
}

export interface InvocationResponse {
    invocationId?: string;
    outputData?: { name: string; data: RpcTypedData | null | undefined }[];
    returnValue?: RpcTypedData | null;
}

/** Name → value pairs a worker reports to the host (`HttpUri`: the app's HTTP proxy when it streams HTTP). */
export type WorkerCapabilities = Record<string, string>;

export interface ProgrammingModel {
    name: string;
    version: string;
    getInvocationModel(coreContext: unknown): InvocationModel;
    /** @azure/functions 4.x: adds its own (and starts its HTTP proxy with `enableHttpStream`). */
    getCapabilities?(capabilities: WorkerCapabilities): Promise<WorkerCapabilities> | WorkerCapabilities;
}

/**
 * What the Node worker reports before asking the programming model for its own
 * (azure-functions-nodejs-worker src/eventHandlers/getWorkerCapabilities.ts).
 */
const NODE_WORKER_CAPABILITIES: WorkerCapabilities = {
    RawHttpBodyBytes: 'true',
    RpcHttpTriggerMetadataRemoved: 'true',
    RpcHttpBodyOnly: 'true',
    IgnoreEmptyValuedRpcHttpHeaders: 'true',
    UseNullableValueDictionaryForHttp: 'true',
    WorkerStatus: 'true',
    TypedDataCollection: 'true',
    HandlesWorkerTerminateMessage: 'true',
};

export type LogSink = (level: LogLevel, category: 'user' | 'system', message: string) => void;

/** The app's and the host's log lines on one line-per-message log, prefixed with their level unless informational. */
export function logSinkTo(log: (message: string) => void): LogSink {
    return (level, _category, message) => log(`${level === 'information' ? '' : `${level}: `}${message}`);
}

/** In the worker: the registry the app fills and the programming model that invokes its functions. */
export class FunctionsCore extends FunctionRegistry<ProgrammingModel> {
    /** Set once the app has loaded (see loadCapabilities). */
    capabilities: WorkerCapabilities = {};
    #log: LogSink;
    #episodeSender = new HistorySender();
    #episodeCache = new HistoryCache();

    constructor(log: LogSink = () => undefined) {
        super();
        this.#log = log;
    }

    /** The host's log, where the worker sends the app's `context.log` lines and its own. */
    override log(level: LogLevel, category: 'user' | 'system', message: string): void {
        this.#log(level, category, message);
    }

    /**
     * Asks the app's programming model for its capabilities, as the Node worker does once the app has
     * started (WorkerInitHandler / FunctionEnvironmentReloadHandler → getWorkerCapabilities). This is
     * also when @azure/functions locks `app.setup()` and, with `enableHttpStream`, opens its HTTP proxy.
     */
    async loadCapabilities(): Promise<WorkerCapabilities> {
        const base = { ...NODE_WORKER_CAPABILITIES };
        this.capabilities = (await this.programmingModel?.getCapabilities?.(base)) ?? base;
        return this.capabilities;
    }

    /** Invokes a registered function in this process (see invoke.ts); `beforeSend` as in AppFunctions. */
    invoke(
        functionName: string,
        input: InvocationInput,
        beforeSend?: (capabilities: WorkerCapabilities) => void,
    ): Promise<InvocationResponse> {
        try {
            beforeSend?.(this.capabilities);
        } catch (err) {
            return Promise.reject(err);
        }
        return invokeFunction(this, functionName, input);
    }

    /**
     * An orchestrator episode in this process: the same history bookkeeping as across the worker's channel, without the
     * channel.
     */
    invokeEpisode(functionName: string, request: EpisodeRequest): Promise<InvocationResponse> {
        const input = this.#episodeSender.input(request);
        this.#episodeCache.forget(this.#episodeSender.takeForgotten());
        return this.invoke(functionName, { inputData: this.#episodeCache.inputData(input) });
    }

    endEpisodes(instanceId: string): void {
        this.#episodeSender.forget(instanceId);
    }
}
