import type { HistoryEvent } from '../engine/history';
import { frame } from './logFrames';
import type { InstanceRecord } from './store';

type Summary = Omit<InstanceRecord, 'history' | 'inbox'>;
const CHANGING = ['runtimeStatus', 'output', 'customStatus', 'lastUpdatedTime'] as const;
type Changing = Pick<InstanceRecord, (typeof CHANGING)[number]>;
/** A history entry in a delta: the event itself, or the ordinal of an inbox message it was taken from. */
type HistoryEntry = HistoryEvent | { m: number };

/** What an instance log holds: a snapshot (summary, history, inbox), then deltas appended after it. */
export type LogRecord =
    | { t: 'summary'; r: Summary }
    | { t: 'history'; h: HistoryEvent[] }
    | { t: 'inbox'; m: HistoryEvent[] }
    | { t: 'delta'; h?: HistoryEntry[]; m?: HistoryEvent[]; s?: Partial<Changing> };

/**
 * What is on disk for one instance, so the next save writes only what changed: history appended
 * since (the engine only appends, except continue-as-new and rewind, which replace the array), inbox
 * messages added since (they are pushed at the end), and changed status fields. A message taken into
 * history is written as its ordinal; one taken but not yet committed stays in the inbox on disk, so a
 * crash mid-episode redelivers it.
 */
export class LogCursor {
    #history: HistoryEvent[];
    #historyLength: number;
    #inbox: HistoryEvent[];
    #executionId: string;
    #changing: Changing;
    #ordinals = new Map<HistoryEvent, number>();
    #nextOrdinal = 0;

    /** `numbered`: every message the log has numbered so far, in order (those still waiting keep their ordinal). */
    constructor(record: InstanceRecord, numbered: HistoryEvent[] = record.inbox) {
        this.#history = record.history;
        this.#historyLength = record.history.length;
        this.#inbox = record.inbox;
        this.#executionId = record.executionId;
        this.#changing = pickChanging(record);
        const waiting = new Set(record.inbox);
        numbered.forEach((message, ordinal) => waiting.has(message) && this.#ordinals.set(message, ordinal));
        this.#nextOrdinal = numbered.length;
    }

    /** The frames of a delta, '' when nothing changed, or undefined when only a new snapshot can say it. */
    delta(record: InstanceRecord): string | undefined {
        const { history, inbox } = record;
        if (history !== this.#history || inbox !== this.#inbox || record.executionId !== this.#executionId || history.length < this.#historyLength) return undefined;
        const change: Extract<LogRecord, { t: 'delta' }> = { t: 'delta' };
        if (history.length > this.#historyLength) {
            change.h = history.slice(this.#historyLength).map((event) => {
                const ordinal = this.#ordinals.get(event);
                if (ordinal === undefined) return event;
                this.#ordinals.delete(event);
                return { m: ordinal };
            });
            this.#historyLength = history.length;
        }
        let firstNew = inbox.length;
        while (firstNew > 0 && !this.#ordinals.has(inbox[firstNew - 1])) firstNew--;
        if (firstNew < inbox.length) {
            change.m = inbox.slice(firstNew);
            for (const message of change.m) this.#ordinals.set(message, this.#nextOrdinal++);
        }
        for (const key of CHANGING) {
            if (record[key] !== this.#changing[key]) (change.s ??= {})[key] = record[key] as never;
        }
        this.#changing = pickChanging(record);
        return change.h || change.m || change.s ? frame(change) : '';
    }
}

function pickChanging(record: InstanceRecord): Changing {
    return { runtimeStatus: record.runtimeStatus, output: record.output, customStatus: record.customStatus, lastUpdatedTime: record.lastUpdatedTime };
}

export function summaryOf(record: InstanceRecord): Summary {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- taken out of the summary
    const { history, inbox, ...summary } = record;
    return summary;
}

/** A whole snapshot (a new log, or a compacted one) and the cursor that follows it. */
export function snapshotFrames(record: InstanceRecord): { frames: string; cursor: LogCursor } {
    const frames = frame({ t: 'summary', r: summaryOf(record) }) + frame({ t: 'history', h: record.history }) + frame({ t: 'inbox', m: record.inbox });
    return { frames, cursor: new LogCursor(record) };
}

/** Rebuilds an instance from its log's whole records; undefined when the log has no complete snapshot. */
export function replayLog(records: string[]): { record: InstanceRecord; cursor: LogCursor; deltas: number } | undefined {
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
    return { record, cursor: new LogCursor(record, messages), deltas: records.length - 3 };
}
