import { invokeFunction } from './invoke';
import { HistoryCache, HistorySender, type EpisodeRequest } from './episodes';
import type { InvocationInput } from './protocol';

/**
 * The `@azure/functions-core` module as the Node worker provides it to an app: the app's
 * `@azure/functions` library registers functions and its programming model here. The real module
 * lives in the worker (azure-functions-nodejs-worker, src/coreApi) and is not on npm.
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

export interface RpcBindingInfo {
    type?: string | null;
    direction?: 'in' | 'out' | 'inout' | null;
    dataType?: string | null;
    [property: string]: unknown;
}

export interface FunctionMetadata {
    name: string;
    bindings: Record<string, RpcBindingInfo>;
    retryOptions?: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

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

export type LogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';
export type LogSink = (level: LogLevel, category: 'user' | 'system', message: string) => void;

/** The app's and the host's log lines on one line-per-message log, prefixed with their level unless informational. */
export function logSinkTo(log: (message: string) => void): LogSink {
    return (level, _category, message) => log(`${level === 'information' ? '' : `${level}: `}${message}`);
}

export interface Registration {
    metadata: FunctionMetadata;
    callback: FunctionCallback;
    /** The binding name and binding of the function's trigger. */
    triggerName: string;
    trigger: RpcBindingInfo;
}

export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation';
type HookCallback = (context: Record<string, unknown>) => unknown;

export class Disposable {
    #callOnDispose: () => void;
    constructor(callOnDispose: () => void) {
        this.#callOnDispose = callOnDispose;
    }
    static from(...items: { dispose(): unknown }[]): Disposable {
        return new Disposable(() => items.forEach((item) => item.dispose()));
    }
    dispose(): void {
        this.#callOnDispose();
    }
}

/** In the worker: the registry the app fills and the programming model that invokes its functions. */
export class FunctionsCore {
    readonly registrations = new Map<string, Registration>();
    readonly hooks: Record<HookName, HookCallback[]> = { appStart: [], appTerminate: [], preInvocation: [], postInvocation: [] };
    programmingModel: ProgrammingModel | undefined;
    /** Set once the app has loaded (see loadCapabilities). */
    capabilities: WorkerCapabilities = {};
    #log: LogSink;
    #episodeSender = new HistorySender();
    #episodeCache = new HistoryCache();

    constructor(log: LogSink = () => undefined) {
        this.#log = log;
    }

    /** The object `require('@azure/functions-core')` returns inside the app. */
    get api(): Record<string, unknown> {
        return {
            version: '3.10.1',
            hostVersion: '4.1000.0',
            Disposable,
            registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback) => this.registerFunction(metadata, callback),
            registerHook: (name: HookName, callback: HookCallback) => this.registerHook(name, callback),
            setProgrammingModel: (model: ProgrammingModel) => {
                this.programmingModel = model;
            },
            getProgrammingModel: () => this.programmingModel,
            log: (level: LogLevel, category: 'user' | 'system', message: string) => this.log(level, category, message),
        };
    }

    /** The host's log, where the worker sends the app's `context.log` lines and its own. */
    log(level: LogLevel, category: 'user' | 'system', message: string): void {
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
    invoke(functionName: string, input: InvocationInput, beforeSend?: (capabilities: WorkerCapabilities) => void): Promise<InvocationResponse> {
        try {
            beforeSend?.(this.capabilities);
        } catch (err) {
            return Promise.reject(err);
        }
        return invokeFunction(this, functionName, input);
    }

    /** An orchestrator episode in this process: the same history bookkeeping as across the worker's channel, without the channel. */
    invokeEpisode(functionName: string, request: EpisodeRequest): Promise<InvocationResponse> {
        const input = this.#episodeSender.input(request);
        this.#episodeCache.forget(this.#episodeSender.takeForgotten());
        return this.invoke(functionName, { inputData: this.#episodeCache.inputData(input) });
    }

    endEpisodes(instanceId: string): void {
        this.#episodeSender.forget(instanceId);
    }

    registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
        if (this.registrations.has(metadata.name)) {
            throw new Error(`A function with the name "${metadata.name}" has already been registered.`);
        }
        const trigger = Object.entries(metadata.bindings).find(([, binding]) => /trigger$/i.test(binding.type ?? ''));
        if (!trigger) {
            throw new Error(`Function "${metadata.name}" has no trigger binding.`);
        }
        this.registrations.set(metadata.name, { metadata, callback, triggerName: trigger[0], trigger: trigger[1] });
        return new Disposable(() => this.registrations.delete(metadata.name));
    }

    registerHook(name: HookName, callback: HookCallback): Disposable {
        if (!this.hooks[name]) {
            throw new Error(`"${name}" is not a valid hook name. Valid values: ${Object.keys(this.hooks).join(', ')}.`);
        }
        this.hooks[name].push(callback);
        return new Disposable(() => {
            const list = this.hooks[name];
            list.splice(list.indexOf(callback), 1);
        });
    }

    async runHooks(name: HookName, context: Record<string, unknown>): Promise<void> {
        for (const hook of [...this.hooks[name]]) {
            await hook(context);
        }
    }
}
