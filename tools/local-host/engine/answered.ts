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
        const taskId = completedTaskId(event);
        if (taskId === undefined) return false;
        let index = this.#indexes.get(history);
        if (!index || index.scanned > history.length) this.#indexes.set(history, (index = { scanned: 0, keys: new Set() }));
        for (; index.scanned < history.length; index.scanned++) {
            const past = history[index.scanned];
            const id = completedTaskId(past);
            if (id !== undefined) index.keys.add(`${past.EventType}:${id}`);
        }
        return index.keys.has(`${event.EventType}:${taskId}`);
    }
}
