import { ActionNodeRegistry, ActionType, type ActionNode, type OrchestratorAction } from './actionNodes';
import { completedTaskId, EventType, type HistoryEvent } from '../model/history';

const SCHEDULING_EVENTS = new Set<number>([
    EventType.TaskScheduled,
    EventType.TimerCreated,
    EventType.SubOrchestrationInstanceCreated,
    EventType.EventSent,
]);

export interface LongTimerSettings {
    maximumMs: number;
    intervalMs: number;
}

export interface ShimResult {
    /** Scheduling events (TaskScheduled, TimerCreated, ...) that are not in history yet. */
    newEvents: HistoryEvent[];
    continueAsNew?: { input?: string };
    canceledTimers: number[];
    /** What the replay computed differently from history without changing the work (Azure does not check these). */
    replayDifferences: string[];
}

/**
 * The replay scheduled other work than history holds at a sequence number: DurableTask.Core fails the
 * orchestration with this exception (Azure/durabletask src/DurableTask.Core/TaskOrchestrationContext.cs,
 * HandleTaskScheduledEvent / HandleTimerCreatedEvent / HandleSubOrchestrationCreatedEvent / HandleEventSentEvent:
 * same kind of work and the same name, compared case-insensitively; inputs are not compared).
 */
export class NonDeterministicOrchestrationError extends Error {
    override name = 'NonDeterministicOrchestrationException';

    constructor(
        message: string,
        /**
         * The first sequence number where the replay differs: what history holds there, and what the replay scheduled
         * (none: nothing).
         */
        readonly divergence?: { sequenceNumber: number; history: HistoryEvent; replayed?: HistoryEvent },
    ) {
        super(message);
    }
}

const CHANGED = 'Was a change made to the orchestrator code after this instance had already started running?';

function describeWork(event: HistoryEvent): string {
    switch (event.EventType) {
        case EventType.TaskScheduled:
            return `an activity task named '${event.Name}'`;
        case EventType.TimerCreated:
            return 'a timer';
        case EventType.SubOrchestrationInstanceCreated:
            return `a sub-orchestration task named '${event.Name}'`;
        default:
            return `a send event task named '${event.Name}'`;
    }
}

const sameName = (a: unknown, b: unknown): boolean => String(a ?? '').toLowerCase() === String(b ?? '').toLowerCase();

/**
 * Replays an orchestrator's actions against its history the way DurableTask.Core replays the
 * extension's out-of-proc shim: sequence numbers are taken in the same order as durable-functions
 * takes them (top-level actions one after another, compound children in order, retries and long
 * timers when their completions replay), so new work gets exactly the ids the library expects.
 */
export class ReplayShim {
    now = new Date(0);
    readonly canceledTimers: number[] = [];
    continueAsNewInput: { input?: string } | undefined;
    #sequence = 0;
    #existing = new Map<number, HistoryEvent>();
    #waiters = new Map<number, (event: HistoryEvent) => void>();
    #eventWaiters = new Map<string, (() => void)[]>();
    #bufferedEvents = new Map<string, number>();
    #newEvents: HistoryEvent[] = [];
    #replayed = new Set<number>();
    readonly #differences: string[] = [];

    constructor(
        readonly instanceId: string,
        readonly longTimers?: LongTimerSettings,
        readonly actionNodes: ActionNodeRegistry = new ActionNodeRegistry(),
    ) {}

    /** Takes the next sequence number; emits the scheduling event unless history already has it. */
    schedule(make: (id: number, now: Date) => HistoryEvent, onCompleted: (event: HistoryEvent) => void): number {
        const id = this.#sequence++;
        const event = make(id, this.now);
        const existing = this.#existing.get(id);
        if (existing) this.#compare(id, existing, event);
        else this.#newEvents.push(event);
        this.#waiters.set(id, onCompleted);
        return id;
    }

    waitForEvent(name: string, onRaised: () => void): void {
        const buffered = this.#bufferedEvents.get(name) ?? 0;
        if (buffered > 0) {
            this.#bufferedEvents.set(name, buffered - 1);
            onRaised();
            return;
        }
        this.#eventWaiters.set(name, [...(this.#eventWaiters.get(name) ?? []), onRaised]);
    }

    run(actions: unknown[], history: HistoryEvent[], schemaVersion: number): ShimResult {
        for (const event of history) {
            if (SCHEDULING_EVENTS.has(event.EventType)) this.#existing.set(event.EventId, event);
        }
        const started = history.find((e) => e.EventType === EventType.OrchestratorStarted);
        if (started) this.now = new Date(started.Timestamp);
        sequence(topLevelActions(actions, schemaVersion, this.actionNodes.build))(this, () => undefined);
        for (const event of history) this.#replay(event);
        const missing = [...this.#existing.values()].find((event) => !this.#replayed.has(event.EventId));
        if (missing) {
            throw new NonDeterministicOrchestrationError(
                `A previous execution of this orchestration scheduled ${describeWork(missing)} with sequence number ${missing.EventId}, but the current replay execution hasn't (yet?) scheduled this task. ${CHANGED}`,
                { sequenceNumber: missing.EventId, history: missing },
            );
        }
        return {
            newEvents: this.#newEvents,
            continueAsNew: this.continueAsNewInput,
            canceledTimers: this.canceledTimers,
            replayDifferences: this.#differences,
        };
    }

    /**
     * Replayed work must be the same kind with the same name as in history (as DurableTask checks); other differences
     * are noted.
     */
    #compare(id: number, existing: HistoryEvent, replayed: HistoryEvent): void {
        this.#replayed.add(id);
        if (existing.EventType !== replayed.EventType || !sameName(existing.Name, replayed.Name)) {
            throw new NonDeterministicOrchestrationError(
                `A previous execution of this orchestration scheduled ${describeWork(existing)} with sequence number ${id}, but the current orchestration replay instead scheduled ${describeWork(replayed)} with this sequence number. ${CHANGED}`,
                { sequenceNumber: id, history: existing, replayed },
            );
        }
        const field =
            existing.EventType === EventType.TimerCreated
                ? 'FireAt'
                : existing.EventType === EventType.EventSent
                  ? undefined
                  : 'Input';
        if (field && existing[field] !== replayed[field]) {
            const what = field === 'FireAt' ? 'fire time' : 'input';
            this.#differences.push(
                `${describeWork(existing)} (sequence number ${id}) was scheduled with ${what} ${String(existing[field])}, but the replay computed ${String(replayed[field])}. ` +
                    `Azure does not compare ${what}s on replay: the orchestrator goes on with the outcome of what was first scheduled. Compute it from the input, activity results or context.df.currentUtcDateTime, not from Date, Math.random or other changing state.`,
            );
        }
    }

    #replay(event: HistoryEvent): void {
        if (event.EventType === EventType.OrchestratorStarted) {
            const at = new Date(event.Timestamp);
            if (at > this.now) this.now = at;
            return;
        }
        if (event.EventType === EventType.EventRaised) {
            const name = String(event.Name);
            const waiters = this.#eventWaiters.get(name);
            const waiter = waiters?.shift();
            if (waiter) waiter();
            else this.#bufferedEvents.set(name, (this.#bufferedEvents.get(name) ?? 0) + 1);
            return;
        }
        const id = completedTaskId(event);
        if (id === undefined) return;
        const waiter = this.#waiters.get(id);
        if (waiter) {
            this.#waiters.delete(id);
            waiter(event);
        }
    }
}

/** V1 nests one array per yield with compound actions flattened; V2+ keeps one list with WhenAll/WhenAny. */
function topLevelActions(
    actions: unknown[],
    schemaVersion: number,
    buildActionNode: (action: OrchestratorAction) => ActionNode,
): ActionNode[] {
    if (schemaVersion === 0) {
        return (actions as OrchestratorAction[][]).map((group) =>
            buildActionNode({ actionType: ActionType.WhenAll, compoundActions: group }),
        );
    }
    return (actions as OrchestratorAction[][]).flat().map(buildActionNode);
}

/** The orchestrator yields one task at a time: the next top-level action starts when the previous one settles. */
function sequence(nodes: ActionNode[]): ActionNode {
    return (shim, done) => {
        const next = (index: number): void => {
            if (index >= nodes.length) return done(true);
            nodes[index](shim, () => next(index + 1));
        };
        next(0);
    };
}
