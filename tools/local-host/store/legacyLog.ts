import type { HistoryEvent } from '../model/history';
import type { InstanceRecord } from '../model/instance';

type Summary = Omit<InstanceRecord, 'history' | 'inbox'>;
/** A history entry in a delta: the event itself, or the ordinal of an inbox message it was taken from. */
type HistoryEntry = HistoryEvent | { m: number };

/** What an instance log of the file store (before the database) holds: a snapshot, then deltas. */
type LogRecord =
    | { t: 'summary'; r: Summary }
    | { t: 'history'; h: HistoryEvent[] }
    | { t: 'inbox'; m: HistoryEvent[] }
    | { t: 'delta'; h?: HistoryEntry[]; m?: HistoryEvent[]; s?: Partial<Summary> };

/**
 * Rebuilds an instance from the whole records of its log (see logFrames.ts), as the file store
 * read it back: messages are numbered in arrival order, and a message taken into history is
 * written as its number. Undefined when the log has no complete snapshot.
 */
export function replayLog(records: string[]): InstanceRecord | undefined {
    if (records.length < 3) return undefined;
    const [summary, history, inbox] = records.slice(0, 3).map((text) => JSON.parse(text) as LogRecord);
    if (summary.t !== 'summary' || history.t !== 'history' || inbox.t !== 'inbox') return undefined;
    const record: InstanceRecord = { ...summary.r, history: history.h, inbox: inbox.m };
    const messages = [...inbox.m];
    for (const text of records.slice(3)) {
        const change = JSON.parse(text) as LogRecord;
        if (change.t !== 'delta') continue;
        if (change.h) {
            const taken = new Set<HistoryEvent>();
            for (const entry of change.h) {
                const message = 'm' in entry && typeof entry.m === 'number' ? messages[entry.m] : undefined;
                if (message) taken.add(message);
                record.history.push(message ?? (entry as HistoryEvent));
            }
            if (taken.size > 0) record.inbox = record.inbox.filter((m) => !taken.has(m));
        }
        if (change.m) {
            record.inbox.push(...change.m);
            messages.push(...change.m);
        }
        Object.assign(record, change.s);
    }
    return record;
}
