import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { InvocationResponse, LogSink, WorkerCapabilities } from '../worker-process/functionsCore';
import { HistorySender, type EpisodeRequest } from '../worker-process/episodeHistory';
import { FollowingEpisodes, type FollowingEpisodeRequest, type FollowingOutcome } from './followingEpisodes';
import {
    deserializeError,
    fromWire,
    Outbox,
    toWire,
    unbatch,
    writeEach,
    type Batch,
    type FollowingEpisode,
    type FunctionInfo,
    type HostMessage,
    type InvocationInput,
    type WorkerMessage,
    type WorkerStart,
} from '../worker-process/protocol';

/** The worker ended while an invocation was in flight (it exited, crashed, or was stopped by the host). */
export class WorkerExitedError extends Error {
    override name = 'WorkerExitedError';
}

export interface WorkerExit {
    code: number | null;
    signal: NodeJS.Signals | null;
    /** The last lines the worker wrote to stderr (a native crash, an out-of-memory abort). */
    stderrTail: string;
    /** Durable work (an episode, an activity, an entity batch) was in flight: it is redelivered on its own schedule. */
    durableWorkInFlight?: boolean;
}

interface Pending {
    /** `started`: a following episode's OrchestratorStarted time (protocol.ts FollowingEpisode). */
    resolve: (response: InvocationResponse, started?: string) => void;
    reject: (err: Error, started?: string) => void;
    durable: boolean;
    /** The orchestration whose activity it is: its result counts for EPISODE_STALE (protocol.ts). */
    instance?: string;
}

const STDERR_TAIL_CHARS = 2000;

/**
 * One worker process and the host's end of its channel: starts it on a build of the app, sends
 * invocations and matches their results, forwards its logs, and fails whatever is in flight when it
 * exits. Restarting is the WorkerHost's job.
 */
export class WorkerProcess {
    readonly exited: Promise<WorkerExit>;
    #child: ChildProcess;
    #pending = new Map<string, Pending>();
    #stderr = '';
    #exit?: WorkerExit;
    #stopping?: string;
    #histories = new HistorySender();
    /** By instance: the activity results received from the worker (an episode request says how many). */
    #received = new Map<string, number>();
    /** By instance: the episode sent to follow its running activity. */
    #following = new FollowingEpisodes();
    // Invocations go in batches of 64: the worker starts on the first while the host sends the rest. Its
    // results come back a whole turn at a time, so a fan-out's completions meet in few episodes.
    #outbox = new Outbox<HostMessage>((message) => this.#write(message), 64);
    #onLoad?: (message: WorkerMessage) => void;
    /** What the worker reported once the app loaded (`HttpUri` when the app streams HTTP). */
    capabilities: WorkerCapabilities = {};

    constructor(script: string, start: WorkerStart, log: LogSink) {
        this.#child = fork(script, [], {
            env: { ...process.env, DURABLE_LOCAL_WORKER: JSON.stringify(start) },
            execArgv: ['--enable-source-maps'],
            stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
        });
        this.#child.stderr!.on('data', (chunk: Buffer) => {
            process.stderr.write(chunk);
            this.#stderr = (this.#stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS);
        });
        this.#child.on('message', (received: WorkerMessage | Batch<WorkerMessage>) => {
            for (const message of unbatch(received)) {
                if (message.type === 'log') log(message.level, message.category, message.message);
                else if (message.type === 'response')
                    this.#settle(message.invocationId)?.resolve(fromWire(message.response), message.started);
                else if (message.type === 'failure')
                    this.#settle(message.invocationId)?.reject(deserializeError(message.error), message.started);
                else this.#onLoad?.(message);
            }
        });
        this.exited = new Promise((resolve) => {
            this.#child.once('exit', (code, signal) => {
                const durableWorkInFlight = [...this.#pending.values()].some((p) => p.durable);
                this.#exit = { code, signal, stderrTail: this.#stderr.trim(), durableWorkInFlight };
                const reason =
                    this.#stopping ?? `the worker process (pid ${this.pid}) exited (${describeExit(this.#exit)})`;
                for (const [id, pending] of this.#pending) {
                    this.#pending.delete(id);
                    pending.reject(new WorkerExitedError(reason));
                }
                resolve(this.#exit);
            });
        });
    }

    get pid(): number | undefined {
        return this.#child.pid;
    }

    get inFlight(): number {
        return this.#pending.size;
    }

    get hasExited(): boolean {
        return this.#exit !== undefined;
    }

    /** Resolves with the app's functions once it is loaded; rejects with the app's load error. */
    loaded(): Promise<{ functions: FunctionInfo[]; debuggerUrl?: string }> {
        return new Promise((resolve, reject) => {
            this.#onLoad = (message) => {
                if (message.type === 'loaded') {
                    this.capabilities = message.capabilities;
                    resolve(message);
                } else if (message.type === 'loadFailed') reject(deserializeError(message.error));
            };
            void this.exited.then((exit) =>
                reject(
                    new Error(
                        `The worker process exited before the app loaded (${describeExit(exit)})${exit.stderrTail ? `:\n${exit.stderrTail}` : ''}`,
                    ),
                ),
            );
        });
    }

    /**
     * `durable`: the invocation runs Durable work (an activity, an entity batch). `then`: the episode to run after this
     * activity (see takeFollowing).
     */
    invoke(
        functionName: string,
        input: InvocationInput & { invocationId: string; instance?: string },
        durable = false,
        then?: FollowingEpisodeRequest,
    ): Promise<InvocationResponse> {
        const { invocationId, inputData, triggerMetadata, instance } = input;
        const message = toWire({ type: 'invoke' as const, invocationId, functionName, inputData, triggerMetadata });
        const following = then && !this.#exit ? { then: this.#follow(then) } : {};
        return this.#request(invocationId, { ...message, ...following, instance }, durable, instance);
    }

    /** The following episode sent with an activity, if `request` is exactly that episode (FollowingEpisodes.take). */
    takeFollowing(
        functionName: string,
        request: EpisodeRequest,
    ): { invocationId: string; response: Promise<InvocationResponse> } | undefined {
        return this.#following.take(functionName, request);
    }

    #follow(then: FollowingEpisodeRequest): FollowingEpisode {
        const { functionName, request, taskScheduledId } = then;
        const invocationId = randomUUID();
        const episode = this.#histories.input(request);
        const outcome = new Promise<FollowingOutcome>((resolve) =>
            this.#pending.set(invocationId, {
                resolve: (response, started) => resolve({ response, started }),
                reject: (error, started) => resolve({ error, started }),
                durable: true,
            }),
        );
        this.#following.add(then, invocationId, outcome);
        return { invocationId, functionName, episode, forget: this.#histories.takeForgotten(), taskScheduledId };
    }

    invokeEpisode(functionName: string, request: EpisodeRequest, invocationId: string): Promise<InvocationResponse> {
        const episode = this.#histories.input(request);
        const forget = this.#histories.takeForgotten();
        const seen = request.skipIfStale ? (this.#received.get(request.fields.instanceId) ?? 0) : undefined;
        return this.#request(
            invocationId,
            { type: 'episode', invocationId, functionName, episode, forget, seen },
            true,
        );
    }

    /** The instance finished: the worker drops its history with the next episode message. */
    endEpisodes(instanceId: string): void {
        this.#following.delete(instanceId);
        this.#received.delete(instanceId);
        this.#histories.forget(instanceId);
    }

    #request(
        invocationId: string,
        message: HostMessage,
        durable: boolean,
        instance?: string,
    ): Promise<InvocationResponse> {
        if (this.#exit) return Promise.reject(new WorkerExitedError(`the worker process (pid ${this.pid}) has exited`));
        return new Promise((resolve, reject) => {
            this.#pending.set(invocationId, { resolve, reject, durable, instance });
            this.#send(message);
        });
    }

    /**
     * Ends the process at once (a timed-out invocation cannot be stopped any other way); in-flight invocations fail
     * with `reason`.
     */
    kill(reason: string): void {
        this.#stopping ??= reason;
        if (!this.#exit) this.#child.kill('SIGKILL');
    }

    /** Asks the worker to run the app's appTerminate hooks and exit; resolves when it has exited. */
    async terminate(): Promise<WorkerExit> {
        this.#stopping ??= 'the host is stopping the worker';
        this.#send({ type: 'terminate' });
        return this.exited;
    }

    /** Sets app settings in the worker's environment (before any invocation sent after this call). */
    setEnvironment(values: Record<string, string>): void {
        this.#send({ type: 'environment', values });
    }

    #send(message: HostMessage): void {
        this.#outbox.send(message);
    }

    #write(message: HostMessage | Batch<HostMessage>): void {
        if (this.#exit || !this.#child.connected) return;
        writeEach(
            (m) => this.#child.send(m, (err) => err && this.kill(`the channel to the worker failed: ${err.message}`)),
            message,
            (unsent, err) => {
                if ('invocationId' in unsent)
                    this.#settle(unsent.invocationId)?.reject(
                        new Error(`The invocation could not be sent to the worker: ${err.message}`),
                    );
            },
        );
    }

    #settle(invocationId: string): Pending | undefined {
        const pending = this.#pending.get(invocationId);
        this.#pending.delete(invocationId);
        if (pending?.instance !== undefined)
            this.#received.set(pending.instance, (this.#received.get(pending.instance) ?? 0) + 1);
        return pending;
    }
}

export function describeExit(exit: Pick<WorkerExit, 'code' | 'signal'>): string {
    return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}
