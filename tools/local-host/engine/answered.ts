import { completedTaskId, type HistoryEvent } from '../model/history';

/**
 * The completions (task, sub-orchestration, timer) in an instance's history or waiting in its inbox, indexed per
 * array: a delivery's duplicate check looks a completion up instead of scanning, which made a fan-out of n activities
 * cost n² comparisons. Both arrays grow at their end. A history is otherwise replaced by a new array (continue-as-new,
 * rewind, a finished instance read back from disk); messages are taken from an inbox (its front, or one while
 * suspended), put back at its front, or it is emptied. The index is extended while what it saw is still in place (the
 * same first event, its last one at the same position) and rebuilt otherwise; a hit is confirmed by a scan (a
 * duplicate is rare), so a stale key never drops a message.
 */
export class CompletionIndex {
    #indexes = new WeakMap<
        HistoryEvent[],
        { first?: HistoryEvent; last?: HistoryEvent; scanned: number; keys: Set<string> }
    >();

    has(events: HistoryEvent[], event: HistoryEvent): boolean {
        const key = completionKey(event);
        if (key === undefined) return false;
        let index = this.#indexes.get(events);
        if (
            !index ||
            events[0] !== index.first ||
            events[index.scanned - 1] !== index.last ||
            events.length < index.scanned
        ) {
            this.#indexes.set(events, (index = { scanned: 0, keys: new Set() }));
        }
        for (; index.scanned < events.length; index.scanned++) {
            const past = completionKey(events[index.scanned]);
            if (past !== undefined) index.keys.add(past);
        }
        index.first = events[0];
        index.last = events[events.length - 1];
        return index.keys.has(key) && events.some((e) => completionKey(e) === key);
    }
}

function completionKey(event: HistoryEvent): string | undefined {
    const id = completedTaskId(event);
    return id === undefined ? undefined : `${event.EventType}:${id}`;
}
