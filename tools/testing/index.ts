import { newId } from '../local-host/engine/inbox';
import { logSinkTo, type FunctionsCore, type LogSink } from '../local-host/worker-process/functionsCore';
import { KitFunctions, type ActivityStub } from './activities';
import type { AppClock } from './appClock';
import { loadAppInProcess } from './inProcessApp';
import { hostSettings } from '../local-host/app-loading/hostSettings';
import type { VersioningSettings } from '../local-host/engine/versioning';
import { durationMs, OrchestrationRun, type Duration, type OrchestrationResult } from './orchestrationRun';

export { byInput, UnexpectedActivityInput, type ActivityCall, type ActivityStub } from './activities';
export type { Duration, OrchestrationResult } from './orchestrationRun';
export type { Episode, ScheduledWork } from './episodes';
export { failureReason, orchestrationMatchers } from './matchers';

export interface StartOptions {
    input?: unknown;
    instanceId?: string;
    /** Stubs by activity name; activities without one run the app's own function. */
    activities?: Record<string, ActivityStub>;
    /** Where virtual time starts (default 2030-01-01T00:00:00Z). */
    startTime?: Date;
    /**
     * The instance's version, as `client.startNew(name, { version })` gives it (default: host.json `defaultVersion`).
     */
    version?: string;
}

export interface RunOptions extends StartOptions {
    /** External events, raised once the given virtual time has passed since the start (0 or none: at once). */
    events?: { name: string; data?: unknown; after?: Duration }[];
}

export interface TestAppOptions {
    /** Where the app's and the engine's log lines go (default: dropped). */
    log?: (line: string) => void;
    /**
     * Replaces host.json's `extensions.durableTask` versioning keys (`defaultVersion`, `versionMatchStrategy`,
     * `versionFailureStrategy`): test how another build's workers treat your instances.
     */
    durableTask?: Record<string, unknown>;
}

const DEFAULT_START = new Date('2030-01-01T00:00:00Z');

/** An orchestration started by the kit: step it with raiseEvent / advanceTime, finish it with waitForCompletion. */
export type TestOrchestration = Pick<
    OrchestrationRun,
    'instanceId' | 'status' | 'raiseEvent' | 'advanceTime' | 'waitForCompletion' | 'recordedHistory' | 'close'
>;

/**
 * The app loaded for tests: its orchestrations run through the local host's engine and invocation
 * path (durable-functions' own replay), in this process, on a memory store, in virtual time.
 */
export class TestApp {
    readonly #log: LogSink;
    #runs: OrchestrationRun[] = [];

    constructor(
        readonly core: FunctionsCore,
        private readonly clock: AppClock,
        log: LogSink,
        /** host.json's versioning settings (engine/versioning.ts). */
        readonly versioning?: VersioningSettings,
    ) {
        this.#log = log;
    }

    /** Names of the app's functions with the given trigger (e.g. 'orchestrationTrigger', 'activityTrigger'). */
    functionNames(triggerType: string): string[] {
        return [...this.core.registrations.values()]
            .filter((r) => r.trigger.type === triggerType)
            .map((r) => r.metadata.name);
    }

    /** Starts an orchestration and runs it until it waits (for an event, a timer, ...); virtual time stands still. */
    startOrchestration(name: string, options: StartOptions = {}): Promise<TestOrchestration> {
        return this.#start(name, options);
    }

    async #start(name: string, options: StartOptions): Promise<OrchestrationRun> {
        const functions = new KitFunctions(this.core, this.clock, options.activities ?? {});
        const run = new OrchestrationRun(
            options.instanceId ?? newId(),
            functions,
            options.startTime ?? DEFAULT_START,
            this.#log,
            this.versioning,
        );
        this.#runs.push(run);
        const input = options.input === undefined ? undefined : JSON.stringify(options.input);
        await run.engine.start(name, input, run.instanceId, undefined, options.version ?? run.engine.defaultVersion);
        await run.settle();
        return run;
    }

    /** Starts an orchestration and runs it to its end in virtual time (timers fire at once, in order). */
    async runOrchestration(name: string, options: RunOptions = {}): Promise<OrchestrationResult> {
        const run = await this.#start(name, options);
        for (const event of options.events ?? []) {
            run.clock.setTimeout(
                () =>
                    void run.engine.raiseEvent(
                        run.instanceId,
                        event.name,
                        event.data === undefined ? undefined : JSON.stringify(event.data),
                    ),
                durationMs(event.after ?? 0),
            );
        }
        try {
            return await run.waitForCompletion();
        } finally {
            await run.close();
        }
    }

    /** Stops the engines of orchestrations started with startOrchestration. */
    async close(): Promise<void> {
        await Promise.all(this.#runs.splice(0).map((run) => run.close()));
    }
}

/** Loads the Functions app in `appDir` (its package.json `main`, TypeScript sources included) for tests. */
export async function loadTestApp(appDir: string, options: TestAppOptions = {}): Promise<TestApp> {
    const log = options.log ? logSinkTo(options.log) : () => undefined;
    const { core, clock, hostJson } = await loadAppInProcess(appDir, log);
    const extensions = (hostJson.extensions ?? {}) as Record<string, unknown>;
    const durableTask = { ...((extensions.durableTask ?? {}) as Record<string, unknown>), ...options.durableTask };
    const { versioning } = hostSettings({ ...hostJson, extensions: { ...extensions, durableTask } });
    return new TestApp(core, clock, log, versioning);
}
