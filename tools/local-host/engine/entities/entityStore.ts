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

/** Entity records by scheduler id; a write is durable when it returns (the SqliteStore's `entities`). */
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
