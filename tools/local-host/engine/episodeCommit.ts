import { isTerminal, type InstanceRecord, type StatusFields } from '../model/instance';
import { EventType, type HistoryEvent } from '../model/history';
import type { Delivery } from './engine';
import type { EpisodeHost } from './episodeLoop';
import { CONTROL_EVENTS, executionStarted, newId } from './inbox';

/** What one episode commits: history appended, messages taken, fields set, and what follows the commit. */
export interface Outcome {
    taken: HistoryEvent[];
    events: HistoryEvent[];
    fields: StatusFields & Pick<InstanceRecord, 'runtimeStatus'>;
    /** Work to start once committed (never before: nothing runs for an episode that is not durable). */
    scheduled?: HistoryEvent[];
    /** The parent's message when the instance ends: written in the same transaction. */
    parent?: Delivery;
}

/**
 * Commits an episode's outcome as one store step; only then does memory change and does the scheduled work start
 * (never before: nothing runs for an episode that is not durable).
 */
export function commitStep(host: EpisodeHost, record: InstanceRecord, outcome: Outcome): Promise<unknown> {
    const ref = { instanceId: record.instanceId, executionId: record.executionId };
    const at = record.history.length;
    const fields: StatusFields = { ...outcome.fields, lastUpdatedTime: host.now().toISOString() };
    const ended = isTerminal(outcome.fields);
    // Messages still waiting are dropped when it ends, except on failure: a rewind replays them (an entity's
    // answer).
    const dropWaiting = ended && outcome.fields.runtimeStatus !== 'Failed';
    return host.store.step(
        (ops) => {
            ops.appendHistory(ref, at, outcome.events);
            ops.setStatus(ref, fields);
            if (dropWaiting) ops.dropMessages(record.instanceId);
            else ops.take(record.instanceId, outcome.taken);
            return outcome.parent?.write(ops) ?? false;
        },
        (toldParent) => {
            if (host.get(record.instanceId) !== record || record.executionId !== ref.executionId) return;
            record.history.push(...outcome.events);
            Object.assign(record, fields);
            if (dropWaiting) record.inbox.length = 0;
            if (ended) host.timers.cancel(record.instanceId, record.executionId);
            if (outcome.scheduled) host.dispatch(record, outcome.scheduled);
            outcome.parent?.apply(toldParent);
            if (ended) {
                // What the worker keeps for its episodes goes too (a terminated instance never returns one).
                host.functions.endEpisodes(record.instanceId);
                host.store.releaseHistory(record);
            }
        },
    );
}

/**
 * A new execution of the same instance: fresh history, same version; waiting events and control messages carry over.
 */
export function continueAsNewStep(
    host: EpisodeHost,
    record: InstanceRecord,
    taken: HistoryEvent[],
    newEvents: HistoryEvent[],
    input: string | undefined,
    at: Date,
): Promise<unknown> {
    const carried = (e: HistoryEvent): boolean =>
        e.EventType === EventType.EventRaised || CONTROL_EVENTS.has(e.EventType);
    const version = [...record.history, ...newEvents].find((e) => e.EventType === EventType.ExecutionStarted)
        ?.Version as string | undefined;
    const previous = record.executionId;
    const executionId = newId();
    const started = executionStarted(at, record.name, record.instanceId, input, record.parent, version);
    const lastUpdatedTime = host.now().toISOString();
    const next = { ...record, executionId, input, history: [], lastUpdatedTime };
    return host.store.step(
        (ops) => {
            ops.take(record.instanceId, taken);
            ops.replaceExecution(next, previous);
            ops.dropMessages(record.instanceId, carried);
            ops.enqueue(record.instanceId, executionId, started, { front: true });
        },
        () => {
            if (host.get(record.instanceId) !== record) return;
            host.timers.cancel(record.instanceId, previous);
            Object.assign(record, {
                executionId,
                input,
                history: [],
                lastUpdatedTime,
                inbox: [started, ...record.inbox.filter(carried)],
            });
        },
    );
}
