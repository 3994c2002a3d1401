import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityId } from './entityId';
import type { EntityRequest, EntityResponse } from './messages';

/** A message an entity batch produced, kept until it is handed over (survives a crash in between). */
export type OutboxMessage =
    | { kind: 'response'; parent: string; parentExecution?: string; requestId: string; response: EntityResponse }
    | { kind: 'signal'; target: EntityId; request: EntityRequest };

export interface EntityRecord {
    entity: EntityId;
    exists: boolean;
    state?: string;
    lastOperationTime: string;
    /** When the entity's instance was created (records from before this field: its last operation). */
    createdTime?: string;
    /** Requests accepted but not processed yet, in arrival order. */
    pending: EntityRequest[];
    outbox: OutboxMessage[];
    /** Ids of the latest processed requests, so a request delivered twice runs once. */
    recentIds: string[];
}

export interface EntityStore {
    read(schedulerId: string): EntityRecord | undefined;
    write(schedulerId: string, record: EntityRecord): void;
    delete(schedulerId: string): void;
    list(): { schedulerId: string; record: EntityRecord }[];
}

export class MemoryEntityStore implements EntityStore {
    readonly #records = new Map<string, string>();
    read(id: string): EntityRecord | undefined {
        const text = this.#records.get(id);
        return text === undefined ? undefined : (JSON.parse(text) as EntityRecord);
    }
    write(id: string, record: EntityRecord): void {
        this.#records.set(id, JSON.stringify(record));
    }
    delete(id: string): void {
        this.#records.delete(id);
    }
    list(): { schedulerId: string; record: EntityRecord }[] {
        return [...this.#records.keys()].map((id) => ({ schedulerId: id, record: this.read(id)! }));
    }
}

/**
 * One JSON file per entity under `<dataDir>/entities/`, replaced atomically (write, fsync, rename),
 * so a `kill -9` leaves either the old or the new record, never a torn one.
 */
export class FileEntityStore implements EntityStore {
    readonly #dir: string;
    constructor(dataDir: string) {
        this.#dir = join(dataDir, 'entities');
        mkdirSync(this.#dir, { recursive: true });
    }
    #file(id: string): string {
        return join(this.#dir, `${encodeURIComponent(id)}.json`);
    }
    read(id: string): EntityRecord | undefined {
        try {
            return JSON.parse(readFileSync(this.#file(id), 'utf8')) as EntityRecord;
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
            throw new Error(`Entity record ${this.#file(id)} is unreadable (${(error as Error).message}); delete it to reset the entity.`);
        }
    }
    write(id: string, record: EntityRecord): void {
        const file = this.#file(id);
        const tmp = `${file}.${process.pid}.tmp`;
        const fd = openSync(tmp, 'w');
        try {
            writeSync(fd, JSON.stringify(record));
            fsyncSync(fd);
        } finally {
            closeSync(fd);
        }
        renameSync(tmp, file);
    }
    delete(id: string): void {
        rmSync(this.#file(id), { force: true });
    }
    list(): { schedulerId: string; record: EntityRecord }[] {
        return readdirSync(this.#dir)
            .filter((f) => f.endsWith('.json'))
            .map((f) => decodeURIComponent(f.slice(0, -'.json'.length)))
            .flatMap((id) => {
                const record = this.read(id);
                return record ? [{ schedulerId: id, record }] : [];
            });
    }
}
