import type { EpisodeInput } from './episodeHistory';
import type {
    FunctionMetadata,
    InvocationResponse,
    LogLevel,
    RpcBindingInfo,
    RpcTypedData,
    WorkerCapabilities,
} from './functionsCore';

/**
 * The messages between the host and its worker process. Azure's host and Node worker speak gRPC
 * (azure-functions-host src/WebJobs.Script.Grpc/Proto/FunctionRpc.proto: FunctionLoadResponse,
 * InvocationRequest, InvocationResponse, RpcLog); the local host sends the same content over Node's
 * child-process IPC channel instead.
 */

/** What the host knows about a registered function (the callback stays in the worker). */
export interface FunctionInfo {
    metadata: FunctionMetadata;
    triggerName: string;
    trigger: RpcBindingInfo;
}

export interface InvocationInput {
    /** Binding name → data, as the host sends `inputData` (the trigger's binding included). */
    inputData: Record<string, RpcTypedData>;
    triggerMetadata?: Record<string, RpcTypedData>;
    invocationId?: string;
}

export interface SerializedError {
    name: string;
    message: string;
    stack?: string;
}

/**
 * An orchestrator episode the worker runs right after an activity, with that activity's result, when the host expects
 * it to be the instance's next episode (engine: a sequence's step). Its answer waits in the host until the engine asks
 * for that episode; the engine runs its own otherwise. It saves a wake-up each way per step.
 */
export interface FollowingEpisode {
    invocationId: string;
    functionName: string;
    /** The episode's committed history; the worker adds its new events (OrchestratorStarted, the TaskCompleted). */
    episode: EpisodeInput;
    forget: string[];
    /** The TaskScheduled event's id, which the activity's TaskCompleted answers. */
    taskScheduledId: number;
}

export type HostMessage =
    /** `instance`: the orchestration whose activity it is (the worker counts the results it sends for it). */
    | ({
          type: 'invoke';
          invocationId: string;
          functionName: string;
          then?: FollowingEpisode;
          instance?: string;
      } & Omit<InvocationInput, 'invocationId'>)
    /**
     * An orchestrator invocation: the worker builds the trigger from the history it holds for the
     * instance plus what is new (see episodeHistory.ts), so a running orchestration's history crosses once.
     * `forget`: instances that finished.
     */
    | {
          type: 'episode';
          invocationId: string;
          functionName: string;
          episode: EpisodeInput;
          forget: string[];
          /**
           * How many activity results of the instance the host had received when it sent this; when the worker has
           * sent more, the episode is stale and it answers EPISODE_STALE instead of running it.
           */
          seen?: number;
      }
    /** Run the app's appTerminate hooks, then exit. */
    | { type: 'terminate' }
    /** App settings the host learns once the worker runs (WEBSITE_HOSTNAME, when the port is bound). */
    | { type: 'environment'; values: Record<string, string> };

export type WorkerMessage =
    | { type: 'loaded'; functions: FunctionInfo[]; capabilities: WorkerCapabilities; debuggerUrl?: string }
    | { type: 'loadFailed'; error: SerializedError }
    /** `started`: a following episode's OrchestratorStarted time (the orchestrator's currentUtcDateTime). */
    | { type: 'response'; invocationId: string; response: InvocationResponse; started?: string }
    | { type: 'failure'; invocationId: string; error: SerializedError; started?: string }
    | { type: 'log'; level: LogLevel; category: 'user' | 'system'; message: string };

/** The error name of a following episode the worker did not run (its activity failed): the host runs its own. */
export const EPISODE_NOT_RUN = 'FollowingEpisodeNotRun';

/**
 * The error name of an episode the worker did not run because results it already sent for the instance were not in
 * it: the host asks again once they are in (a fan-out's results overtake its episodes). Only a first request may be
 * answered so; the one after it runs.
 */
export const EPISODE_STALE = 'StaleEpisode';

/** Several messages as one write: what one side sends in the same turn of its event loop. */
export interface Batch<T> {
    type: 'batch';
    messages: T[];
}

/**
 * Sends the messages of one turn of the event loop together: one write and one wake-up of the other
 * side instead of one each (a fan-out's thousand activity invocations, and their results, cross in a
 * few batches, and the other side starts on a full batch while this one produces the next). Order is kept.
 */
export class Outbox<T> {
    #queue: T[] = [];
    #flushing: 'microtask' | 'immediate' | undefined;

    /** `maxBatch`: a batch that size goes at once, so the other side starts on it while this one produces the rest. */
    constructor(
        private readonly write: (message: T | Batch<T>) => void,
        private readonly maxBatch = Infinity,
    ) {}

    /**
     * `lazy` (a log line): sent with the next message, or at the end of the turn: the log an app writes
     * just before it returns crosses with its result, one write and one wake-up of the other side.
     */
    send(message: T, lazy = false): void {
        const queued = this.#queue.push(message);
        if (queued >= this.maxBatch) this.flush();
        else if (!lazy && this.#flushing !== 'microtask') {
            this.#flushing = 'microtask';
            queueMicrotask(() => this.flush());
        } else if (lazy && this.#flushing === undefined) {
            this.#flushing = 'immediate';
            setImmediate(() => this.flush());
        }
    }

    flush(): void {
        this.#flushing = undefined;
        const messages = this.#queue.splice(0);
        if (messages.length > 0) this.write(messages.length === 1 ? messages[0] : { type: 'batch', messages });
    }
}

export function unbatch<T extends { type: string }>(message: T | Batch<T>): T[] {
    return message.type === 'batch' ? (message as Batch<T>).messages : [message as T];
}

/** What the worker is started with (its environment variable DURABLE_LOCAL_WORKER, as JSON). */
export interface WorkerStart {
    bundle: string;
    appDir: string;
    /** Opens the inspector on this port (0: any free port) before loading the app. */
    inspectPort?: number;
}

export function serializeError(err: unknown): SerializedError {
    if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
    return { name: 'Error', message: typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err)) };
}

export function deserializeError(error: SerializedError): Error {
    const err = new Error(error.message);
    err.name = error.name;
    err.stack = error.stack ?? `${error.name}: ${error.message}`;
    return err;
}

/**
 * The channel carries JSON (Node's default IPC serialization, faster than 'advanced' for these small
 * messages); binary data (HTTP bodies, bytes bindings) crosses it as base64.
 */
export function toWire<T>(value: T): T {
    if (!contains(value, (v) => v instanceof Uint8Array)) return value;
    return walk(value, (v) =>
        v instanceof Uint8Array
            ? { $bytes: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') }
            : undefined,
    ) as T;
}

export function fromWire<T>(value: T): T {
    if (!contains(value, isWireBytes)) return value;
    return walk(value, (v) => (isWireBytes(v) ? new Uint8Array(Buffer.from(v.$bytes, 'base64')) : undefined)) as T;
}

/**
 * Whether any object inside `value` passes `test`. Most messages carry no bytes: they cross as they are,
 * without the copy `walk` makes (a fan-out's thousands of invocations and results). Iterative: any depth.
 */
function contains(value: unknown, test: (value: object) => boolean): boolean {
    const pending: unknown[] = [value];
    while (pending.length > 0) {
        const next = pending.pop();
        if (next === null || typeof next !== 'object') continue;
        if (test(next)) return true;
        if (Array.isArray(next)) {
            for (const item of next) if (item !== null && typeof item === 'object') pending.push(item);
        } else {
            for (const item of Object.values(next)) if (item !== null && typeof item === 'object') pending.push(item);
        }
    }
    return false;
}

function isWireBytes(value: object): value is { $bytes: string } {
    return typeof (value as { $bytes?: unknown }).$bytes === 'string' && Object.keys(value).length === 1;
}

/** Below this depth the walk recurses (fast on the usual small messages); deeper, it goes on iteratively. */
const RECURSION_DEPTH = 256;

/**
 * Copies `value`, swapping what `replace` returns for the objects it matches. User JSON of any depth
 * (an app may build one thousands of levels deep) cannot overflow the stack here.
 */
function walk(value: unknown, replace: (value: object) => unknown, depth = 0): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (depth >= RECURSION_DEPTH) return walkIteratively(value, replace);
    const replaced = replace(value);
    if (replaced !== undefined) return replaced;
    if (Array.isArray(value)) return value.map((item) => walk(item, replace, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) setOwn(out, key, walk(item, replace, depth + 1));
    return out;
}

function walkIteratively(value: unknown, replace: (value: object) => unknown): unknown {
    const pending: { from: object; to: unknown[] | Record<string, unknown> }[] = [];
    const copy = (item: unknown): unknown => {
        if (item === null || typeof item !== 'object') return item;
        const replaced = replace(item);
        if (replaced !== undefined) return replaced;
        const to = Array.isArray(item) ? new Array<unknown>(item.length) : {};
        pending.push({ from: item, to });
        return to;
    };
    const root = copy(value);
    for (let next = pending.pop(); next; next = pending.pop()) {
        const { from, to } = next;
        if (Array.isArray(from)) {
            for (let i = 0; i < from.length; i++) (to as unknown[])[i] = copy(from[i]);
        } else {
            for (const [key, item] of Object.entries(from)) setOwn(to as Record<string, unknown>, key, copy(item));
        }
    }
    return root;
}

/** A JSON key "__proto__" stays a plain property, as JSON.parse made it (an assignment would set the prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
    if (key === '__proto__')
        Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    else target[key] = value;
}

/**
 * Writes what an Outbox flushes. The IPC channel serializes with JSON.stringify, which throws on a
 * value nested deeper than V8's stack allows (app data can be): such a message goes to `unsendable`
 * (the sender answers its invocation with an error instead) and the rest of its batch still goes.
 */
export function writeEach<T>(
    write: (message: T | Batch<T>) => void,
    message: T | Batch<T>,
    unsendable: (message: T, err: Error) => void,
): void {
    try {
        write(message);
        return;
    } catch (err) {
        if ((message as Batch<T>).type !== 'batch') return unsendable(message as T, err as Error);
    }
    for (const one of (message as Batch<T>).messages) {
        try {
            write(one);
        } catch (err) {
            unsendable(one, err as Error);
        }
    }
}
