import { randomUUID } from 'node:crypto';
import type { InvocationResponse, LogLevel, LogSink, WorkerCapabilities } from '../worker-process/functionsCore';
import type { EpisodeRequest } from '../worker-process/episodeHistory';
import type { FunctionInfo, WorkerStart } from '../worker-process/protocol';
import type { AppFunctions, HostInvocation } from './appFunctions';
import { Redeliveries, type RedeliveryLog } from './redelivery';
import { FunctionTimeoutError, timeoutLogMessage, type FunctionTimeout } from './functionTimeout';
import { EPISODE_NOT_RUN } from '../worker-process/protocol';
import { describeExit, WorkerProcess, type WorkerExit } from './workerProcess';

export interface WorkerHostOptions {
    /** The compiled worker entry (worker-process/workerMain.ts). */
    script: string;
    appDir: string;
    timeout: FunctionTimeout;
    /** Inspector port for the worker (`--inspect`); functionTimeout is not enforced while debugging. */
    inspectPort?: number;
    log: LogSink;
    /** One "second" of the redelivery backoff (tests shorten it); default 1000. */
    redeliverySecondMs?: number;
    /** Where redelivery counts are kept across restarts (the store); default: memory only. */
    redeliveryLog?: RedeliveryLog;
}

interface Launched {
    worker: WorkerProcess;
    functions: FunctionInfo[];
}

/** Delays before restarting a worker that exited unasked, by how many exits in a row preceded it. */
export const RESTART_DELAYS_MS = [0, 250, 1000, 2000, 5000, 10_000];

/**
 * The app's functions, served by one worker process at a time, as the Functions host runs the Node
 * worker. A worker that exits unasked (a crash, `process.exit`, an uncaught exception) is restarted
 * after a growing delay, logged with its exit code and last stderr; so is one the host kills because
 * an invocation exceeded functionTimeout. Its in-flight invocations fail with WorkerExitedError (the
 * engine redelivers Durable work, as the extension does) and invocations made meanwhile wait for the
 * new worker. A reload starts a new worker on a new build and retires the old one once it is idle.
 * Restart policy after azure-functions-host src/WebJobs.Script/Workers/Rpc/FunctionRegistration/
 * RpcFunctionInvocationDispatcher.cs (restart the channel on a worker error, with a wait between).
 */
export class WorkerHost implements AppFunctions {
    /** One Map for the host's lifetime: HTTP routes and the engine keep reading it across reloads. */
    readonly registrations = new Map<string, FunctionInfo>();
    readonly runsFollowingEpisodes = true;
    debuggerUrl: string | undefined;
    #options: WorkerHostOptions;
    #bundle = '';
    #worker?: WorkerProcess;
    #ready?: Promise<WorkerProcess>;
    /** The worker while it serves (not once it has exited): invocations go to it at once, without waiting a turn. */
    #serving?: WorkerProcess;
    #exitsInARow = 0;
    #closing = false;
    /** Durable work that ended its worker waits here before it is delivered again (poison messages). */
    readonly redeliveries: Redeliveries;

    constructor(options: WorkerHostOptions) {
        this.#options = options;
        this.redeliveries = new Redeliveries(
            (message) => options.log('warning', 'system', message),
            options.redeliverySecondMs,
            Date.now,
            options.redeliveryLog,
        );
    }

    log(level: LogLevel, category: 'user' | 'system', message: string): void {
        this.#options.log(level, category, message);
    }

    /**
     * Starts the first worker on `bundle`; rejects with the app's load error. `whileLoading` runs meanwhile in the
     * host.
     */
    async start(bundle: string, whileLoading?: () => void): Promise<void> {
        this.#bundle = bundle;
        this.#use(await this.#launch(bundle, whileLoading));
    }

    /**
     * Swaps in a worker on a new build (clean module state). The old worker serves until the new one
     * has loaded, then finishes what it runs and exits; a load error leaves the old one serving.
     */
    async reload(bundle: string): Promise<{ added: string[]; removed: string[] }> {
        const before = [...this.registrations.keys()];
        // One inspector port: the old worker must let go of it first.
        if (this.#options.inspectPort !== undefined && this.#options.inspectPort !== 0)
            await this.#retire(this.#worker);
        const launched = await this.#launch(bundle);
        const old = this.#worker;
        this.#bundle = bundle;
        this.#use(launched);
        void this.#retire(old);
        const after = [...this.registrations.keys()];
        return { added: after.filter((n) => !before.includes(n)), removed: before.filter((n) => !after.includes(n)) };
    }

    get capabilities(): WorkerCapabilities {
        return this.#worker?.capabilities ?? {};
    }

    invoke(
        functionName: string,
        input: HostInvocation,
        beforeSend?: (capabilities: WorkerCapabilities) => void,
    ): Promise<InvocationResponse> {
        const { workKey, workInstanceId, then, ...invocation } = input;
        const work = workKey === undefined ? undefined : { key: workKey, instanceId: workInstanceId ?? workKey };
        return this.redeliveries.run(work, functionName, () => {
            const invocationId = invocation.invocationId ?? randomUUID();
            return this.#run(functionName, invocationId, (worker) => {
                beforeSend?.(worker.capabilities);
                const instance = workKey === undefined ? undefined : workInstanceId;
                return worker.invoke(
                    functionName,
                    { ...invocation, invocationId, instance },
                    workKey !== undefined,
                    then,
                );
            });
        });
    }

    async invokeEpisode(functionName: string, request: EpisodeRequest): Promise<InvocationResponse> {
        const attempt = (): Promise<InvocationResponse> => {
            const invocationId = randomUUID();
            return this.#run(functionName, invocationId, (worker) =>
                worker.invokeEpisode(functionName, request, invocationId),
            );
        };
        const { instanceId } = request.fields;
        return this.redeliveries.run({ key: instanceId, instanceId }, functionName, async () => {
            const following = this.#worker?.takeFollowing(functionName, request);
            if (following) {
                try {
                    return await this.#run(functionName, following.invocationId, () => following.response);
                } catch (err) {
                    // Not run after all (its activity failed), or run on a history the worker lacked: ask for it.
                    const name = (err as Error).name;
                    if (name !== EPISODE_NOT_RUN && name !== 'HistoryCacheMiss') throw err;
                }
            }
            try {
                return await attempt();
            } catch (err) {
                if ((err as Error).name !== 'HistoryCacheMiss') throw err;
                // The worker lacks part of the history (it should not happen): send it whole.
                this.endEpisodes(request.fields.instanceId);
                return attempt();
            }
        });
    }

    /**
     * App settings known only once the worker runs: set in this worker and in every later one (they inherit the host's
     * environment).
     */
    setEnvironment(values: Record<string, string>): void {
        Object.assign(process.env, values);
        this.#worker?.setEnvironment(values);
    }

    endEpisodes(instanceId: string): void {
        this.#worker?.endEpisodes(instanceId);
    }

    /** One invocation on the current worker (waiting for one while it restarts), under functionTimeout. */
    async #run(
        functionName: string,
        invocationId: string,
        send: (worker: WorkerProcess) => Promise<InvocationResponse>,
    ): Promise<InvocationResponse> {
        // Sent in the caller's turn when a worker serves: a fan-out's first invocations leave while the engine still
        // dispatches the rest (an await here would hold them all until the whole dispatch is done).
        const worker = this.#serving ?? (await this.#current());
        const { timeout, inspectPort } = this.#options;
        const running = send(worker);
        if (timeout.ms === undefined || inspectPort !== undefined) return running.then((r) => this.#succeeded(r));
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
                this.#options.log('error', 'system', timeoutLogMessage(timeout, functionName, invocationId));
                // The host cannot cancel JavaScript: as the Functions host restarts after a timeout, the worker is
                // replaced.
                worker.kill(
                    `the worker was restarted after '${functionName}' exceeded functionTimeout (${timeout.text})`,
                );
                reject(new FunctionTimeoutError(timeout, functionName));
            }, timeout.ms);
        });
        running.catch(() => undefined);
        try {
            return this.#succeeded(await Promise.race([running, timedOut]));
        } finally {
            clearTimeout(timer);
        }
    }

    /** Runs the app's appTerminate hooks in the worker and lets it exit. */
    async close(): Promise<void> {
        this.#closing = true;
        await this.#worker?.terminate();
    }

    #succeeded(response: InvocationResponse): InvocationResponse {
        this.#exitsInARow = 0;
        return response;
    }

    async #launch(bundle: string, whileLoading?: () => void): Promise<Launched> {
        const { script, appDir, inspectPort, log } = this.#options;
        const start: WorkerStart = { bundle, appDir, inspectPort };
        const worker = new WorkerProcess(script, start, log);
        try {
            whileLoading?.();
            const { functions, debuggerUrl } = await worker.loaded();
            this.debuggerUrl = debuggerUrl;
            return { worker, functions };
        } catch (err) {
            worker.kill('the app failed to load');
            throw err;
        }
    }

    #use({ worker, functions }: Launched): void {
        this.#worker = worker;
        this.#serving = worker;
        this.#ready = Promise.resolve(worker);
        this.registrations.clear();
        for (const info of functions) this.registrations.set(info.metadata.name, info);
        void worker.exited.then((exit) => this.#onExit(worker, exit));
    }

    #current(): Promise<WorkerProcess> {
        if (!this.#ready) return Promise.reject(new Error('The worker has not started.'));
        return this.#ready;
    }

    async #retire(worker: WorkerProcess | undefined): Promise<void> {
        if (!worker || worker.hasExited) return;
        while (worker.inFlight > 0 && !worker.hasExited) await new Promise((resolve) => setTimeout(resolve, 50));
        await worker.terminate();
    }

    #onExit(worker: WorkerProcess, exit: WorkerExit): void {
        if (this.#serving === worker) this.#serving = undefined;
        if (worker !== this.#worker || this.#closing) return;
        // Durable work in flight is blamed and waits out its own redelivery delay (redelivery.ts): the next
        // worker starts at once, so a poison message never slows down the other instances.
        const delay = exit.durableWorkInFlight
            ? 0
            : RESTART_DELAYS_MS[Math.min(this.#exitsInARow, RESTART_DELAYS_MS.length - 1)];
        if (!exit.durableWorkInFlight) this.#exitsInARow++;
        const stderr = exit.stderrTail ? `; last stderr:\n${exit.stderrTail.split('\n').slice(-10).join('\n')}` : '';
        this.#options.log(
            'error',
            'system',
            `Worker process (pid ${worker.pid}) exited with ${describeExit(exit)}${stderr}. Restarting it${delay ? ` in ${delay} ms` : ''}.`,
        );
        this.#ready = this.#restart(delay);
        this.#ready.catch(() => undefined);
    }

    async #restart(delay: number): Promise<WorkerProcess> {
        for (let attempt = 0; ; attempt++) {
            await new Promise((resolve) =>
                setTimeout(resolve, attempt === 0 ? delay : RESTART_DELAYS_MS[RESTART_DELAYS_MS.length - 1]),
            );
            if (this.#closing) throw new Error('The host is stopping.');
            try {
                const launched = await this.#launch(this.#bundle);
                this.#use(launched);
                this.#options.log('information', 'system', `Worker process restarted (pid ${launched.worker.pid}).`);
                return launched.worker;
            } catch (err) {
                this.#options.log(
                    'error',
                    'system',
                    `The restarted worker could not load the app: ${(err as Error).message}`,
                );
            }
        }
    }
}
