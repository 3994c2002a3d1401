import { buildActionNode, ActionType, type ActionNode, type OrchestratorAction } from './actionNodes';
import { completedTaskId, EventType, type HistoryEvent } from './history';

const SCHEDULING_EVENTS = new Set<number>([EventType.TaskScheduled, EventType.TimerCreated, EventType.SubOrchestrationInstanceCreated, EventType.EventSent]);

export interface LongTimerSettings {
    maximumMs: number;
    intervalMs: number;
}

export interface ShimResult {
    /** Scheduling events (TaskScheduled, TimerCreated, ...) that are not in history yet. */
    newEvents: HistoryEvent[];
    continueAsNew?: { input?: string };
    canceledTimers: number[];
}

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

    constructor(
        readonly instanceId: string,
        readonly longTimers?: LongTimerSettings,
    ) {}

    /** Takes the next sequence number; emits the scheduling event unless history already has it. */
    schedule(make: (id: number, now: Date) => HistoryEvent, onCompleted: (event: HistoryEvent) => void): number {
        const id = this.#sequence++;
        if (!this.#existing.has(id)) this.#newEvents.push(make(id, this.now));
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
        sequence(topLevelActions(actions, schemaVersion))(this, () => undefined);
        for (const event of history) this.#replay(event);
        return { newEvents: this.#newEvents, continueAsNew: this.continueAsNewInput, canceledTimers: this.canceledTimers };
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
function topLevelActions(actions: unknown[], schemaVersion: number): ActionNode[] {
    if (schemaVersion === 0) {
        return (actions as OrchestratorAction[][]).map((group) => buildActionNode({ actionType: ActionType.WhenAll, compoundActions: group }));
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
