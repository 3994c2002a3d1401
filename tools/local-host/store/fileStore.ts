import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { InstanceRecord, Store } from './store';

interface Slot {
    /** The newest serialized state not yet written. */
    pending?: string;
    waiters: (() => void)[];
    failures: ((err: unknown) => void)[];
    writing?: Promise<void>;
}

/**
 * One JSON file per instance under `<data>/instances/`, replaced atomically (temp file + rename), so a
 * `kill -9` leaves the previous or the new state. Saves of one instance coalesce: while one write is in
 * flight, later saves collapse into a single write of the newest state.
 */
export class FileStore implements Store {
    readonly dir: string;
    #slots = new Map<string, Slot>();
    #tmpCounter = 0;

    constructor(dataDir: string) {
        this.dir = path.join(dataDir, 'instances');
    }

    async loadAll(): Promise<InstanceRecord[]> {
        await fs.mkdir(this.dir, { recursive: true });
        const records: InstanceRecord[] = [];
        for (const name of await fs.readdir(this.dir)) {
            const file = path.join(this.dir, name);
            if (name.endsWith('.tmp')) {
                await fs.rm(file, { force: true });
                continue;
            }
            if (!name.endsWith('.json')) continue;
            try {
                records.push(JSON.parse(await fs.readFile(file, 'utf8')) as InstanceRecord);
            } catch (err) {
                process.stderr.write(`local-host: skipping unreadable instance file ${file}: ${(err as Error).message}\n`);
            }
        }
        return records;
    }

    save(record: InstanceRecord): Promise<void> {
        const slot = this.#slot(record.instanceId);
        slot.pending = JSON.stringify(record);
        const done = new Promise<void>((resolve, reject) => {
            slot.waiters.push(resolve);
            slot.failures.push(reject);
        });
        slot.writing ??= this.#drain(record.instanceId, slot);
        return done;
    }

    async delete(instanceId: string): Promise<void> {
        const slot = this.#slots.get(instanceId);
        if (slot?.writing) await slot.writing.catch(() => undefined);
        this.#slots.delete(instanceId);
        await fs.rm(this.#file(instanceId), { force: true });
    }

    async close(): Promise<void> {
        await Promise.all([...this.#slots.values()].map((slot) => slot.writing?.catch(() => undefined)));
    }

    #slot(instanceId: string): Slot {
        let slot = this.#slots.get(instanceId);
        if (!slot) {
            slot = { waiters: [], failures: [] };
            this.#slots.set(instanceId, slot);
        }
        return slot;
    }

    async #drain(instanceId: string, slot: Slot): Promise<void> {
        while (slot.pending !== undefined) {
            const data = slot.pending;
            const waiters = slot.waiters.splice(0);
            const failures = slot.failures.splice(0);
            slot.pending = undefined;
            try {
                await this.#writeAtomically(this.#file(instanceId), data);
                waiters.forEach((resolve) => resolve());
            } catch (err) {
                failures.forEach((reject) => reject(err));
            }
        }
        slot.writing = undefined;
    }

    async #writeAtomically(file: string, data: string): Promise<void> {
        const tmp = `${file}.${process.pid}.${++this.#tmpCounter}.tmp`;
        try {
            await fs.writeFile(tmp, data);
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
            await fs.mkdir(this.dir, { recursive: true });
            await fs.writeFile(tmp, data);
        }
        await fs.rename(tmp, file);
    }

    /** File names stay readable for plain ids and bounded for long or odd ones. */
    #file(instanceId: string): string {
        const safe = encodeURIComponent(instanceId).replace(/[.*~']/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
        const name = safe.length <= 120 ? safe : `${safe.slice(0, 60)}-${createHash('sha256').update(instanceId).digest('hex').slice(0, 32)}`;
        return path.join(this.dir, `${name}.json`);
    }
}
