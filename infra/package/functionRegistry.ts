/**
 * The registry half of `@azure/functions-core` as the Node worker provides it to an app: what the app's
 * `@azure/functions` library calls while the app's entry point loads (azure-functions-nodejs-worker
 * src/setupCoreModule.ts builds the object; src/coreApi/registerFunction.ts, src/hooks/registerHook.ts). The real
 * module lives in the worker and is not on npm. The package's manifest indexes the bundle with it; the local
 * host's worker (the local-host tool's FunctionsCore) builds its invocation on top of it, so the template never
 * imports a tool.
 */

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

export type LogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';

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

/** The registry the app fills; `Model` is the programming model's type as its user reads it. */
export class FunctionRegistry<Model = unknown> {
    readonly registrations = new Map<string, Registration>();
    readonly hooks: Record<HookName, HookCallback[]> = {
        appStart: [],
        appTerminate: [],
        preInvocation: [],
        postInvocation: [],
    };
    programmingModel: Model | undefined;

    /**
     * The object `require('@azure/functions-core')` returns inside the app. The version strings are fixed (a
     * worker 3.x on host 4.x): @azure/functions 4.16 reads neither; it tells a host with HTTP streaming (4.28+)
     * by the presence of `log` (@azure/functions src/setup.ts).
     */
    get api(): Record<string, unknown> {
        return {
            version: '3.10.1',
            hostVersion: '4.1000.0',
            Disposable,
            registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback) =>
                this.registerFunction(metadata, callback),
            registerHook: (name: HookName, callback: HookCallback) => this.registerHook(name, callback),
            setProgrammingModel: (model: Model) => {
                this.programmingModel = model;
            },
            getProgrammingModel: () => this.programmingModel,
            log: (level: LogLevel, category: 'user' | 'system', message: string) => this.log(level, category, message),
        };
    }

    /** Where the app's log lines go while it loads; the local host's worker overrides it. */
    log(_level: LogLevel, _category: 'user' | 'system', _message: string): void {}

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
