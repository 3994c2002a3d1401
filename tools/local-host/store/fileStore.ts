import { createHash } from 'node:crypto';
import { promises as fs, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import * as path from 'node:path';
import type { HistoryEvent } from '../engine/history';
import { AppendFiles, DirectorySync, replaceDurably } from './durableFiles';
import { LogCursor, replayLog, snapshotFrames, type LogRecord } from './instanceLog';
import { readFirstFrame, readFrames } from './logFrames';
import { isTerminal, type InstanceRecord, type Store } from './store';

interface Slot {
    cursor?: LogCursor;
    /** A whole new log (a new instance, a new execution, a rewind, or the compacted log of a finished one). */
    replace?: string;
    /** Frames to append after `replace` (or after what is on disk). */
    appends: string[];
    /** Set with a compaction: the finished record whose history can leave memory once it is on disk. */
    finished?: InstanceRecord;
    waiters: { resolve: () => void; reject: (err: unknown) => void }[];
    writing?: Promise<void>;
}

/**
 * One append-only log per instance under `<data>/instances/`: each save appends what changed since
 * the last one (new history events, new inbox messages, changed status fields) and `fdatasync`s it
 * before it resolves, so a save costs what changed, not the whole history. A finished instance's log
 * is compacted to a single snapshot (written to a temp file, fsynced, renamed) and its history then
 * stays on disk, read back when asked for. On start, a torn final record (a write cut short by
 * `kill -9` or a power loss) is detected by its checksum and cut off: every save that resolved is kept.
 */
export class FileStore implements Store {
    readonly dir: string;
    #slots = new Map<string, Slot>();
    #dirSync: DirectorySync;
    #appends = new AppendFiles();
    #warn: (message: string) => void;

    constructor(dataDir: string, warn: (message: string) => void = (m) => void process.stderr.write(`local-host: ${m}\n`)) {
        this.dir = path.join(dataDir, 'instances');
        this.#dirSync = new DirectorySync(this.dir);
        this.#warn = warn;
    }

    async loadAll(): Promise<InstanceRecord[]> {
        mkdirSync(this.dir, { recursive: true });
        const records: InstanceRecord[] = [];
        for (const name of readdirSync(this.dir)) {
            const file = path.join(this.dir, name);
            if (name.endsWith('.tmp')) rmSync(file, { force: true });
            else if (name.endsWith('.log')) {
                const record = this.#load(file);
                if (record) records.push(record);
            } else if (name.endsWith('.json')) records.push(await this.#migrate(file));
        }
        return records;
    }

    save(record: InstanceRecord): Promise<void> {
        const slot = this.#slot(record.instanceId);
        const delta = slot.cursor?.delta(record);
        if (delta === '') return slot.writing ?? Promise.resolve();
        if (delta === undefined || isTerminal(record)) {
            const { frames, cursor } = snapshotFrames(record);
            Object.assign(slot, { cursor, replace: frames, appends: [], finished: isTerminal(record) ? record : undefined });
        } else {
            slot.appends.push(delta);
            slot.finished = undefined;
        }
        const done = this.#waitFor(slot);
        slot.writing ??= this.#drain(record.instanceId, slot);
        return done;
    }

    async delete(instanceId: string): Promise<void> {
        const slot = this.#slots.get(instanceId);
        if (slot?.writing) await slot.writing.catch(() => undefined);
        this.#slots.delete(instanceId);
        this.#appends.close(this.#file(instanceId));
        await fs.rm(this.#file(instanceId), { force: true });
    }

    async close(): Promise<void> {
        await Promise.all([...this.#slots.values()].map((slot) => slot.writing?.catch(() => undefined)));
        this.#appends.closeAll();
    }

    #waitFor(slot: Slot): Promise<void> {
        return new Promise((resolve, reject) => slot.waiters.push({ resolve, reject }));
    }

    #slot(instanceId: string): Slot {
        let slot = this.#slots.get(instanceId);
        if (!slot) {
            slot = { appends: [], waiters: [] };
            this.#slots.set(instanceId, slot);
        }
        return slot;
    }

    async #drain(instanceId: string, slot: Slot): Promise<void> {
        const file = this.#file(instanceId);
        while (slot.replace !== undefined || slot.appends.length > 0) {
            const { replace } = slot;
            const appends = slot.appends.splice(0).join('');
            const waiters = slot.waiters.splice(0);
            slot.replace = undefined;
            try {
                if (replace === undefined) await this.#appends.append(file, appends);
                else {
                    this.#appends.close(file);
                    await replaceDurably(file, replace + appends, this.#dirSync);
                }
                waiters.forEach((w) => w.resolve());
            } catch (err) {
                waiters.forEach((w) => w.reject(err));
            }
        }
        slot.writing = undefined;
        if (slot.finished && slot.replace === undefined && slot.appends.length === 0) {
            // Compacted and nothing newer: the history leaves memory, and so does the cursor (a later save snapshots).
            keepHistoryOnDisk(slot.finished, () => this.#readHistory(file));
            this.#slots.delete(instanceId);
        }
    }

    #load(file: string): InstanceRecord | undefined {
        const data = readFileSync(file);
        const first = readFirstFrame(data);
        const summary = first === undefined ? undefined : (JSON.parse(first) as LogRecord);
        if (summary?.t === 'summary' && isTerminal(summary.r)) {
            // A finished instance's log is a compacted snapshot (written whole): its history stays on disk until asked for.
            const record = { ...summary.r, inbox: [] } as unknown as InstanceRecord;
            keepHistoryOnDisk(record, () => this.#readHistory(file));
            return record;
        }
        const frames = readFrames(data);
        if (frames.tornBytes > 0) {
            this.#warn(`${path.basename(file)}: cut off a torn final record (${frames.tornBytes} bytes of a write that never completed; everything acknowledged is kept)`);
            truncateSync(file, frames.validBytes);
        }
        const replayed = replayLog(frames.records);
        if (!replayed) {
            this.#warn(`skipping ${file}: it holds no complete snapshot of an instance`);
            return undefined;
        }
        this.#slot(replayed.record.instanceId).cursor = replayed.cursor;
        return replayed.record;
    }

    /** A data directory from before the logs (one JSON file per instance): rewritten as a log once. */
    async #migrate(file: string): Promise<InstanceRecord> {
        const record = JSON.parse(readFileSync(file, 'utf8')) as InstanceRecord;
        await this.save(record);
        rmSync(file, { force: true });
        return record;
    }

    #readHistory(file: string): HistoryEvent[] {
        const frames = readFrames(readFileSync(file));
        const history = frames.records[1] === undefined ? undefined : (JSON.parse(frames.records[1]) as LogRecord);
        return history?.t === 'history' ? history.h : [];
    }

    /** File names stay readable for plain ids and bounded for long or odd ones. */
    #file(instanceId: string): string {
        const safe = encodeURIComponent(instanceId).replace(/[.*~']/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
        const name = safe.length <= 120 ? safe : `${safe.slice(0, 60)}-${createHash('sha256').update(instanceId).digest('hex').slice(0, 32)}`;
        return path.join(this.dir, `${name}.log`);
    }
}

/**
 * A finished instance keeps its status in memory; its history is read from its compacted log when
 * something asks for it (the status API with showHistory, the dashboard, rewind), so memory does not
 * grow with the number of finished instances. Assigning a history (rewind) makes it a plain field again.
 */
function keepHistoryOnDisk(record: InstanceRecord, read: () => HistoryEvent[]): void {
    record.inbox = [];
    Object.defineProperty(record, 'history', {
        configurable: true,
        enumerable: true,
        get: read,
        set(value: HistoryEvent[]) {
            Object.defineProperty(record, 'history', { configurable: true, enumerable: true, writable: true, value });
        },
    });
}
