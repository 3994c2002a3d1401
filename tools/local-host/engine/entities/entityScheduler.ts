import type { LogSink } from '../../worker-process/functionsCore';
import type { AppFunctions } from '../../worker-channel/appFunctions';
import { executeEntityBatch } from './batch';
import { type EntityId, parseSchedulerId, schedulerId } from './entityId';
import type { EntityRecord, EntityStore, OutboxMessage } from './entityStore';
import { type EntityRequest, type EntityResponse, newRequest } from './messages';

export interface ResponseDelivery {
    parent: string;
    parentExecution?: string;
    requestId: string;
    response: EntityResponse;
}

export interface EntitySchedulerOptions {
    functions: AppFunctions;
    store: EntityStore;
    /** Hands an operation's response to the calling orchestration (must ignore a repeated requestId). */
    deliverResponse: (delivery: ResponseDelivery) => Promise<void> | void;
    log?: LogSink;
    /** Operations per entity function invocation (the extension's maxEntityOperationBatchSize on Consumption). */
    maxBatchSize?: number;
    now?: () => Date;
}

export interface EntityListing {
    entityId: EntityId;
    lastOperationTime: string;
    state?: unknown;
}

const RECENT_IDS = 200;

/**
 * Runs entity operations the way Durable Task does: each entity processes its requests one at a
 * time, in arrival order, in batches; accepted requests, state and outgoing messages are persisted
 * before anything is acknowledged or sent, so a crash neither loses nor repeats an operation.
 */
export class EntityScheduler {
    readonly #options: Required<Omit<EntitySchedulerOptions, 'log'>> & { log: LogSink };
    readonly #running = new Map<string, Promise<void>>();

    constructor(options: EntitySchedulerOptions) {
        this.#options = { maxBatchSize: 50, now: () => new Date(), log: () => undefined, ...options };
    }

    /** Accepts a request for an entity (persisted before this returns) and starts processing. */
    enqueue(target: EntityId, request: EntityRequest): void {
        const id = schedulerId(target);
        const store = this.#options.store;
        const record = store.read(id) ?? this.#emptyRecord(target);
        if (record.pending.some((r) => r.id === request.id) || record.recentIds.includes(request.id)) return;
        record.pending.push(request);
        store.write(id, record);
        this.#kick(id);
    }

    /** A signal from a client (`signalEntity`, the entity HTTP API). */
    signal(target: EntityId, operation: string, input?: string): EntityRequest {
        const request = newRequest(operation, input, { signal: true, now: this.#options.now() });
        this.enqueue(target, request);
        return request;
    }

    readState(target: EntityId): { exists: boolean; state?: string } {
        const record = this.#options.store.read(schedulerId(target));
        return record?.exists ? { exists: true, state: record.state } : { exists: false };
    }

    /** Entities that exist, optionally of one name, sorted by id (the order the listing pages in). */
    list(
        filter: { name?: string; lastOperationFrom?: Date; lastOperationTo?: Date; fetchState?: boolean } = {},
    ): EntityListing[] {
        const name = filter.name?.toLowerCase();
        return this.#options.store
            .list()
            .filter(({ record }) => record.exists)
            .filter(({ record }) => !name || record.entity.name.toLowerCase() === name)
            .filter(
                ({ record }) =>
                    !filter.lastOperationFrom ||
                    Date.parse(record.lastOperationTime) >= filter.lastOperationFrom.getTime(),
            )
            .filter(
                ({ record }) =>
                    !filter.lastOperationTo || Date.parse(record.lastOperationTime) <= filter.lastOperationTo.getTime(),
            )
            .sort((a, b) => (a.schedulerId < b.schedulerId ? -1 : a.schedulerId > b.schedulerId ? 1 : 0))
            .map(({ record }) => ({
                entityId: record.entity,
                lastOperationTime: record.lastOperationTime,
                ...(filter.fetchState ? { state: record.state === undefined ? null : JSON.parse(record.state) } : {}),
            }));
    }

    /** The entity's instance (`@name@key`) with its record, while it has one (state, or work pending). */
    instance(id: string): EntityRecord | undefined {
        return this.#options.store.read(id);
    }

    /** Every entity instance, by scheduler id. */
    instances(): { schedulerId: string; record: EntityRecord }[] {
        return this.#options.store.list();
    }

    /** Deletes an entity's instance, state and pending work; whether there was one. */
    purge(id: string): boolean {
        const existed = this.#options.store.read(id) !== undefined;
        this.#options.store.delete(id);
        return existed;
    }

    /** After a restart: hands over unsent messages and processes requests accepted before the crash. */
    recover(): void {
        for (const { schedulerId: id, record } of this.#options.store.list()) {
            if (record.pending.length > 0 || record.outbox.length > 0) this.#kick(id);
        }
    }

    /** Resolves once no entity has work left (used by tests and on shutdown). */
    async idle(): Promise<void> {
        while (this.#running.size > 0) {
            await Promise.all([...this.#running.values()]);
        }
    }

    #emptyRecord(entity: EntityId): EntityRecord {
        const now = this.#options.now().toISOString();
        return {
            entity: { name: entity.name.toLowerCase(), key: entity.key },
            exists: false,
            lastOperationTime: now,
            createdTime: now,
            pending: [],
            outbox: [],
            recentIds: [],
        };
    }

    #kick(id: string): void {
        if (this.#running.has(id)) return;
        const run = this.#drain(id)
            .catch((error: unknown) =>
                this.#options.log(
                    'error',
                    'system',
                    `Entity ${id}: ${error instanceof Error ? error.stack : String(error)}`,
                ),
            )
            .finally(() => {
                this.#running.delete(id);
                const record = this.#options.store.read(id);
                if (record && (record.pending.length > 0 || record.outbox.length > 0)) this.#kick(id);
            });
        this.#running.set(id, run);
    }

    async #drain(id: string): Promise<void> {
        const { store, functions, maxBatchSize } = this.#options;
        for (;;) {
            const record = store.read(id);
            if (!record) return;
            if (record.outbox.length > 0) {
                await this.#flush(id, record.outbox);
                continue;
            }
            if (record.pending.length === 0) {
                if (!record.exists) store.delete(id);
                return;
            }
            const batch = record.pending.slice(0, maxBatchSize);
            const outcome = await executeEntityBatch(
                functions,
                parseSchedulerId(id),
                { exists: record.exists, state: record.state },
                batch,
            );
            const after = store.read(id) ?? record;
            after.pending = after.pending.slice(batch.length);
            after.exists = outcome.exists;
            after.state = outcome.state;
            after.lastOperationTime = this.#options.now().toISOString();
            after.recentIds = [...after.recentIds, ...batch.map((r) => r.id)].slice(-RECENT_IDS);
            after.outbox = this.#outbox(id, batch, outcome.responses, outcome.signals);
            store.write(id, after);
        }
    }

    #outbox(
        id: string,
        batch: EntityRequest[],
        responses: EntityResponse[],
        signals: { target: EntityId; name: string; input?: string }[],
    ): OutboxMessage[] {
        const out: OutboxMessage[] = [];
        batch.forEach((request, i) => {
            if (!request.signal && request.parent) {
                out.push({
                    kind: 'response',
                    parent: request.parent,
                    parentExecution: request.parentExecution,
                    requestId: request.id,
                    response: responses[i],
                });
            }
        });
        for (const signal of signals) {
            out.push({
                kind: 'signal',
                target: signal.target,
                request: newRequest(signal.name, signal.input, { signal: true, parent: id, now: this.#options.now() }),
            });
        }
        return out;
    }

    async #flush(id: string, outbox: OutboxMessage[]): Promise<void> {
        for (const message of outbox) {
            try {
                if (message.kind === 'response') {
                    await this.#options.deliverResponse({
                        parent: message.parent,
                        parentExecution: message.parentExecution,
                        requestId: message.requestId,
                        response: message.response,
                    });
                } else {
                    this.enqueue(message.target, message.request);
                }
            } catch (error) {
                this.#options.log(
                    'warning',
                    'system',
                    `Entity ${id}: dropped a ${message.kind} message: ${error instanceof Error ? error.message : String(error)}`,
                );
            }
        }
        const record = this.#options.store.read(id);
        if (record) {
            record.outbox = [];
            this.#options.store.write(id, record);
        }
    }
}
