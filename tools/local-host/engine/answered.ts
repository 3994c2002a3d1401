import { completedTaskId, type HistoryEvent } from '../model/history';

/**
 * The completions (task, sub-orchestration, timer) already in an instance's history, indexed as the
 * history grows: a delivery's duplicate check looks a completion up instead of scanning the whole
 * history, which made a fan-out of n activities cost n² comparisons. A history only grows, or is
 * replaced by a new array (continue-as-new, rewind, a finished instance's read back from disk), so an
 * index per array, extended to its current length, is always complete.
 */
export class AnsweredIndex {
    #indexes = new WeakMap<HistoryEvent[], { scanned: number; keys: Set<string> }>();

    has(history: HistoryEvent[], event: HistoryEvent): boolean {
        const key = completionKey(event);
        if (key === undefined) return false;
        let index = this.#indexes.get(history);
        if (!index || index.scanned > history.length)
            this.#indexes.set(history, (index = { scanned: 0, keys: new Set() }));
        for (; index.scanned < history.length; index.scanned++) {
            const past = completionKey(history[index.scanned]);
            if (past !== undefined) index.keys.add(past);
        }
        return index.keys.has(key);
    }
}

/**
 * The completions waiting in an instance's inbox, for the same check (a fan-out's inbox holds hundreds
 * of results while an episode runs: scanning it for each delivery cost n × inbox comparisons). An
 * inbox grows at its end (a delivery); otherwise messages are taken from it (its front, or one while
 * suspended), put back at its front, or it is emptied or replaced. The index is extended while what it
 * saw is still in place (the same first message, its last one at the same position) and rebuilt
 * otherwise; a hit is confirmed by a scan (a duplicate is rare), so a stale key never drops a message.
 */
export class WaitingIndex {
    #indexes = new WeakMap<
        HistoryEvent[],
        { first?: HistoryEvent; last?: HistoryEvent; scanned: number; keys: Set<string> }
    >();

    has(inbox: HistoryEvent[], event: HistoryEvent): boolean {
        const key = completionKey(event);
        if (key === undefined) return false;
        let index = this.#indexes.get(inbox);
        if (
            !index ||
            inbox[0] !== index.first ||
            inbox[index.scanned - 1] !== index.last ||
            inbox.length < index.scanned
        ) {
            this.#indexes.set(inbox, (index = { scanned: 0, keys: new Set() }));
        }
        for (; index.scanned < inbox.length; index.scanned++) {
            const waiting = completionKey(inbox[index.scanned]);
            if (waiting !== undefined) index.keys.add(waiting);
        }
        index.first = inbox[0];
        index.last = inbox[inbox.length - 1];
        return index.keys.has(key) && inbox.some((e) => completionKey(e) === key);
    }
}

function completionKey(event: HistoryEvent): string | undefined {
    const id = completedTaskId(event);
    return id === undefined ? undefined : `${event.EventType}:${id}`;
}
