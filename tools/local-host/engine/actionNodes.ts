import { EventType, historyEvent, type HistoryEvent } from '../model/history';
import type { ReplayShim } from './replayShim';

/** An action the orchestrator returned (durable-functions `IAction`, camelCase). */
export interface OrchestratorAction {
    actionType: number;
    functionName?: string;
    input?: unknown;
    instanceId?: string;
    fireAt?: string | Date;
    isCanceled?: boolean;
    retryOptions?: RetryOptions;
    externalEventName?: string;
    compoundActions?: OrchestratorAction[];
    [field: string]: unknown;
}

export interface RetryOptions {
    firstRetryIntervalInMilliseconds: number;
    maxNumberOfAttempts: number;
    backoffCoefficient?: number;
    maxRetryIntervalInMilliseconds?: number;
    retryTimeoutInMilliseconds?: number;
}

export const ActionType = {
    CallActivity: 0,
    CallActivityWithRetry: 1,
    CallSubOrchestrator: 2,
    CallSubOrchestratorWithRetry: 3,
    ContinueAsNew: 4,
    CreateTimer: 5,
    WaitForExternalEvent: 6,
    CallEntity: 7,
    CallHttp: 8,
    SignalEntity: 9,
    WhenAny: 11,
    WhenAll: 12,
    LockEntities: 13,
    ReleaseEntities: 14,
} as const;

/** Called once when a node finishes; `ok` is false when it failed. */
export type Done = (ok: boolean) => void;

/**
 * A node mirrors what the Durable extension's out-of-proc shim does for one action against the
 * DurableTask context: it takes sequence numbers, emits scheduling events not yet in history, and
 * finishes when the matching completion event is replayed.
 */
export type ActionNode = (shim: ReplayShim, done: Done) => void;
export type ActionNodeFactory = (
    action: OrchestratorAction,
    build: (action: OrchestratorAction) => ActionNode,
) => ActionNode;

/** Activity and sub-orchestration inputs: a string from the library is already JSON (Utils.processInput). */
export function inputJson(input: unknown): string | undefined {
    if (input === undefined) return undefined;
    if (typeof input === 'string') {
        try {
            JSON.parse(input);
            return input;
        } catch {
            return JSON.stringify(input);
        }
    }
    return JSON.stringify(input);
}

const SUCCESS = new Set<number>([
    EventType.TaskCompleted,
    EventType.SubOrchestrationInstanceCompleted,
    EventType.TimerFired,
]);

function scheduleActivity(action: OrchestratorAction): ActionNode {
    return (shim, done) =>
        shim.schedule(
            (id, now) =>
                historyEvent(
                    EventType.TaskScheduled,
                    now,
                    { Name: action.functionName, Input: inputJson(action.input) },
                    id,
                ),
            (event) => done(SUCCESS.has(event.EventType)),
        );
}

function scheduleSubOrchestration(action: OrchestratorAction): ActionNode {
    return (shim, done) =>
        shim.schedule(
            (id, now) =>
                historyEvent(
                    EventType.SubOrchestrationInstanceCreated,
                    now,
                    {
                        Name: action.functionName,
                        InstanceId: action.instanceId || `${shim.instanceId}:${id}`,
                        Input: inputJson(action.input),
                        Version: action.version as string | undefined,
                    },
                    id,
                ),
            (event) => done(SUCCESS.has(event.EventType)),
        );
}

/**
 * A timer; with schema V3 a timer longer than the maximum short timer is a chain of shorter ones, as in the extension.
 */
function scheduleTimer(action: OrchestratorAction): ActionNode {
    const finalFireAt = new Date(action.fireAt as string);
    return (shim, done) => {
        const next = (): void => {
            const now = shim.now;
            const fireAt =
                shim.longTimers && finalFireAt.getTime() - now.getTime() > shim.longTimers.maximumMs
                    ? new Date(now.getTime() + shim.longTimers.intervalMs)
                    : finalFireAt;
            const id = shim.schedule(
                (timerId, at) => historyEvent(EventType.TimerCreated, at, { FireAt: fireAt.toISOString() }, timerId),
                () => (shim.longTimers && finalFireAt > shim.now ? next() : done(true)),
            );
            if (action.isCanceled) shim.canceledTimers.push(id);
        };
        next();
    };
}

/** DurableTask.Core's RetryInterceptor: attempt, and after each failure a timer before the next attempt. */
function withRetry(attempt: ActionNode, options: RetryOptions): ActionNode {
    return (shim, done) => {
        const firstAttemptAt = shim.now.getTime();
        let attemptNumber = 0;
        const run = (): void =>
            attempt(shim, (ok) => {
                if (ok) return done(true);
                const delay = retryDelay(options, attemptNumber, firstAttemptAt, shim.now.getTime());
                attemptNumber++;
                if (delay === 0) return done(false);
                const fireAt = new Date(shim.now.getTime() + delay);
                shim.schedule(
                    (id, now) => historyEvent(EventType.TimerCreated, now, { FireAt: fireAt.toISOString() }, id),
                    () => (attemptNumber < options.maxNumberOfAttempts ? run() : done(false)),
                );
            });
        run();
    };
}

export function retryDelay(options: RetryOptions, attempt: number, firstAttemptAt: number, now: number): number {
    const timeout = options.retryTimeoutInMilliseconds;
    if (timeout !== undefined && timeout > 0 && timeout < Number.MAX_SAFE_INTEGER && now >= firstAttemptAt + timeout)
        return 0;
    const delay = options.firstRetryIntervalInMilliseconds * Math.pow(options.backoffCoefficient ?? 1, attempt);
    const max = options.maxRetryIntervalInMilliseconds;
    return max !== undefined && max > 0 && delay > max ? max : delay;
}

function whenAll(children: ActionNode[]): ActionNode {
    return (shim, done) => {
        let remaining = children.length;
        let finished = false;
        if (remaining === 0) return done(true);
        for (const child of children) {
            child(shim, (ok) => {
                if (finished) return;
                remaining--;
                // Like durable-functions' WhenAllTask: the first failure settles the whole task.
                if (!ok || remaining === 0) {
                    finished = true;
                    done(ok);
                }
            });
        }
    };
}

function whenAny(children: ActionNode[]): ActionNode {
    return (shim, done) => {
        let finished = false;
        for (const child of children) {
            child(shim, () => {
                if (finished) return;
                finished = true;
                done(true);
            });
        }
    };
}

function waitForEvent(action: OrchestratorAction): ActionNode {
    return (shim, done) => shim.waitForEvent(String(action.externalEventName), () => done(true));
}

function continueAsNew(action: OrchestratorAction): ActionNode {
    return (shim, done) => {
        shim.continueAsNewInput = { input: inputJson(action.input) };
        done(true);
    };
}

const BUILT_IN: [number, ActionNodeFactory][] = [
    [ActionType.CallActivity, (a) => scheduleActivity(a)],
    [ActionType.CallActivityWithRetry, (a) => withRetry(scheduleActivity(a), a.retryOptions as RetryOptions)],
    [ActionType.CallSubOrchestrator, (a) => scheduleSubOrchestration(a)],
    [
        ActionType.CallSubOrchestratorWithRetry,
        (a) => withRetry(scheduleSubOrchestration(a), a.retryOptions as RetryOptions),
    ],
    [ActionType.CreateTimer, (a) => scheduleTimer(a)],
    [ActionType.WaitForExternalEvent, (a) => waitForEvent(a)],
    [ActionType.ContinueAsNew, (a) => continueAsNew(a)],
    [ActionType.WhenAll, (a, build) => whenAll((a.compoundActions ?? []).map(build))],
    [ActionType.WhenAny, (a, build) => whenAny((a.compoundActions ?? []).map(build))],
];

const NOT_SERVED: Record<string, string> = {
    CallHttp:
        'The local Durable host does not serve callHttp (durable HTTP calls): call the URL from an activity instead, or run the app in Azure.',
};

/**
 * One factory per action type, per engine: the built-in ones, plus what other modules (entities)
 * register on that engine only, so two engines in one process (the test kit) never share them.
 */
export class ActionNodeRegistry {
    readonly #factories = new Map<number, ActionNodeFactory>(BUILT_IN);

    register(actionType: number, factory: ActionNodeFactory): void {
        this.#factories.set(actionType, factory);
    }

    readonly build = (action: OrchestratorAction): ActionNode => {
        const factory = this.#factories.get(action.actionType);
        if (!factory) {
            const name =
                Object.entries(ActionType).find(([, n]) => n === action.actionType)?.[0] ?? `type ${action.actionType}`;
            throw new Error(NOT_SERVED[name] ?? `The local Durable host does not support the ${name} action yet.`);
        }
        return factory(action, this.build);
    };
}

export type { HistoryEvent };
