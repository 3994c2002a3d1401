import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { EntityStore } from '../engine/entities/entityStore';
import type { HistoryEvent } from '../model/history';
import { isTerminal, startedVersion, type InstanceRecord, type StatusFields } from '../model/instance';
import type { RedeliveryLog } from '../worker-channel/redelivery';
import { importLegacyData } from './legacyImport';
import { Checkpointer } from './checkpointer';
import { prepareDatabase } from './schema';
import { openDatabase } from './sqlite';
import { SqliteEntities, SqliteRedeliveries } from './sqliteTables';
import { InstanceGoneError, type ExecutionRef, type Store, type StoreOps } from './store';

interface Step {
    write: (ops: StoreOps) => unknown;
    apply?: (written: unknown) => void;
    resolve: (value: unknown) => void;
    reject: (err: unknown) => void;
}

const COLUMNS: Record<keyof StatusFields, string> = {
    runtimeStatus: 'runtime_status',
    output: 'output',
    customStatus: 'custom_status',
    lastUpdatedTime: 'last_updated_time',
    input: 'input',
};

interface InstanceRow {
    instance_id: string;
    execution_id: string;
    name: string;
    runtime_status: InstanceRecord['runtimeStatus'];
    input: string | null;
    output: string | null;
    custom_status: string | null;
    created_time: string;
    last_updated_time: string;
    parent: string | null;
    version: string | null;
}

/**
 * Instances, history, messages and entities in one SQLite database, `<data>/durable.db` (see
 * schema.ts for the tables and the durability). Steps queued in one event-loop turn are written
 * in one transaction, each inside a savepoint so a failing step rolls back alone: one commit for
 * everything the engine did in that turn, across instances.
 */
/** History rows per INSERT (3 parameters each, far below SQLite's 32,766 parameters per statement). */
const HISTORY_ROWS = 64;

export class SqliteStore implements Store {
    readonly file: string;
    readonly entities: EntityStore;
    readonly redeliveries: RedeliveryLog;
    readonly #db: DatabaseSync;
    readonly #dataDir: string;
    readonly #warn: (message: string) => void;
    readonly #sql = new Map<string, StatementSync>();
    readonly #messageIds = new WeakMap<HistoryEvent, number | bigint>();
    #queue: Step[] = [];
    #scheduled = false;
    #closed = false;
    readonly #checkpointer: Checkpointer;

    constructor(
        dataDir: string,
        warn: (message: string) => void = (m) => void process.stderr.write(`local-host: ${m}\n`),
    ) {
        mkdirSync(dataDir, { recursive: true });
        this.#dataDir = dataDir;
        this.file = path.join(dataDir, 'durable.db');
        this.#warn = warn;
        this.#db = openDatabase(this.file);
        prepareDatabase(this.#db);
        this.#checkpointer = new Checkpointer(this.file, warn);
        this.entities = new SqliteEntities(
            (sql) => this.#run(sql),
            () => this.#committed(),
        );
        this.redeliveries = new SqliteRedeliveries(
            (sql) => this.#run(sql),
            () => this.#committed(),
        );
    }

    async loadAll(): Promise<InstanceRecord[]> {
        importLegacyData(this.#dataDir, this.#db, this.#ops, this.#warn);
        const rows = this.#run('SELECT * FROM instances').all() as unknown as InstanceRow[];
        return rows.map((row) => {
            const record = recordOf(row);
            if (isTerminal(record)) this.releaseHistory(record);
            else {
                record.history = this.#readHistory(record.instanceId);
                record.inbox = this.#readMessages(record.instanceId);
            }
            return record;
        });
    }

    step<T>(write: (ops: StoreOps) => T, apply?: (written: T) => void): Promise<T> {
        if (this.#closed) return Promise.reject(new Error('The store is closed (the host is shutting down).'));
        return new Promise<T>((resolve, reject) => {
            this.#queue.push({ write, apply: apply as Step['apply'], resolve: resolve as Step['resolve'], reject });
            if (this.#scheduled) return;
            this.#scheduled = true;
            setImmediate(() => this.#flush());
        });
    }

    async close(): Promise<void> {
        if (this.#closed) return;
        this.#flush();
        this.#closed = true;
        await this.#checkpointer.close();
        // Closing the last connection checkpoints the WAL into the database.
        this.#db.close();
    }

    /** Something was committed: the WAL is checkpointed within CHECKPOINT_MS, on another thread (checkpointer.ts). */
    #committed(): void {
        if (!this.#closed) this.#checkpointer.committed();
    }

    /**
     * Everything queued so far, in one transaction; then each written step's `apply`, in order. The steps
     * run without a savepoint each (two statements per step, a fan-out's thousands of deliveries a turn);
     * only when one fails is the transaction rolled back and written again with savepoints, leaving out
     * the failing step. A step's `write` only writes through `ops`, so writing it again is safe.
     */
    #flush(): void {
        this.#scheduled = false;
        const steps = this.#queue.splice(0);
        if (steps.length === 0) return;
        let written: [Step, unknown][];
        try {
            this.#db.exec('BEGIN IMMEDIATE');
            written = this.#writeAll(steps);
        } catch (err) {
            // A failed BEGIN, or a failed ROLLBACK on the way to the savepoints: nothing of the turn is kept.
            try {
                if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
            } catch {
                // The connection itself failed: each later step reports its own write error.
            }
            steps.forEach((s) => s.reject(this.#writeError(err)));
            return;
        }
        try {
            this.#db.exec('COMMIT');
        } catch (err) {
            if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
            written.forEach(([step]) => step.reject(this.#writeError(err)));
            return;
        }
        this.#committed();
        for (const [step, value] of written) {
            try {
                step.apply?.(value);
                step.resolve(value);
            } catch (err) {
                step.reject(err);
            }
        }
    }

    /**
     * Writes the steps in the open transaction: all at once, or (one failed) each in a savepoint, the failing ones
     * rejected.
     */
    #writeAll(steps: Step[]): [Step, unknown][] {
        try {
            return steps.map((step) => [step, step.write(this.#ops)]);
        } catch {
            this.#db.exec('ROLLBACK');
            this.#db.exec('BEGIN IMMEDIATE');
        }
        const written: [Step, unknown][] = [];
        for (const step of steps) {
            this.#db.exec('SAVEPOINT step');
            try {
                written.push([step, step.write(this.#ops)]);
                this.#db.exec('RELEASE step');
            } catch (err) {
                this.#db.exec('ROLLBACK TO step; RELEASE step');
                step.reject(err instanceof InstanceGoneError ? err : this.#writeError(err));
            }
        }
        return written;
    }

    #writeError(err: unknown): Error {
        return new Error(
            `Could not write to durable.db in the data directory: ${(err as Error).message}. Nothing of this step was kept; check the disk (space, permissions) and restart the host to resume from the last commit.`,
            { cause: err },
        );
    }

    #run(sql: string): StatementSync {
        let statement = this.#sql.get(sql);
        if (!statement) this.#sql.set(sql, (statement = this.#db.prepare(sql)));
        return statement;
    }

    #require(ref: ExecutionRef): void {
        const row = this.#run('SELECT 1 FROM instances WHERE instance_id = ? AND execution_id = ?').get(
            ref.instanceId,
            ref.executionId,
        );
        if (!row) throw new InstanceGoneError(ref);
    }

    /**
     * Up to HISTORY_ROWS events per statement (a fan-out's episode appends thousands): one call into SQLite, not one
     * per event.
     */
    #insertHistory(instanceId: string, at: number, events: HistoryEvent[]): void {
        for (let from = 0; from < events.length; from += HISTORY_ROWS) {
            const chunk = events.slice(from, from + HISTORY_ROWS);
            const values: (string | number)[] = [];
            chunk.forEach((event, i) => values.push(instanceId, at + from + i, JSON.stringify(event)));
            this.#run(
                `INSERT INTO history (instance_id, seq, event) VALUES ${'(?, ?, ?), '.repeat(chunk.length - 1)}(?, ?, ?)`,
            ).run(...values);
        }
    }

    #writeSummary(record: Omit<InstanceRecord, 'inbox' | 'history'>): void {
        this.#run(
            `INSERT OR REPLACE INTO instances (instance_id, execution_id, name, runtime_status, input, output, custom_status, created_time, last_updated_time, parent, version)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
            record.instanceId,
            record.executionId,
            record.name,
            record.runtimeStatus,
            record.input ?? null,
            record.output ?? null,
            record.customStatus ?? null,
            record.createdTime,
            record.lastUpdatedTime,
            record.parent ? JSON.stringify(record.parent) : null,
            record.version ?? null,
        );
    }

    #deleteRows(instanceId: string): number {
        this.#run('DELETE FROM history WHERE instance_id = ?').run(instanceId);
        this.#run('DELETE FROM messages WHERE instance_id = ?').run(instanceId);
        // A purged (or newly started) id keeps no redelivery count: its poison message is gone with it.
        this.#run('DELETE FROM redeliveries WHERE instance_id = ?').run(instanceId);
        return Number(this.#run('DELETE FROM instances WHERE instance_id = ?').run(instanceId).changes);
    }

    readonly #ops: StoreOps = {
        createInstance: (record) => {
            this.#deleteRows(record.instanceId);
            // Records imported from the file store carry no version field: it is in their ExecutionStarted event.
            this.#writeSummary(record.version === undefined ? { ...record, version: startedVersion(record) } : record);
            this.#insertHistory(record.instanceId, 0, record.history);
            for (const message of record.inbox) this.#ops.enqueue(record.instanceId, undefined, message);
        },
        appendHistory: (ref, at, events) => {
            this.#require(ref);
            this.#insertHistory(ref.instanceId, at, events);
        },
        setStatus: (ref, fields) => {
            const keys = Object.keys(fields) as (keyof StatusFields)[];
            if (keys.length === 0) return this.#require(ref);
            const sets = keys.map((key) => `${COLUMNS[key]} = ?`).join(', ');
            const values = keys.map((key) => fields[key] ?? null);
            const changed = this.#run(`UPDATE instances SET ${sets} WHERE instance_id = ? AND execution_id = ?`).run(
                ...values,
                ref.instanceId,
                ref.executionId,
            );
            if (Number(changed.changes) === 0) throw new InstanceGoneError(ref);
        },
        enqueue: (instanceId, executionId, message, { front = false, toFailed = false } = {}) => {
            const live = this.#run(`SELECT execution_id, runtime_status FROM instances WHERE instance_id = ?`).get(
                instanceId,
            ) as { execution_id: string; runtime_status: InstanceRecord['runtimeStatus'] } | undefined;
            if (!live || (executionId !== undefined && live.execution_id !== executionId)) return false;
            if (isTerminal({ runtimeStatus: live.runtime_status }) && !(toFailed && live.runtime_status === 'Failed'))
                return false;
            const id = front
                ? (this.#run('SELECT coalesce(min(id), 0) - 1 AS id FROM messages').get() as { id: number }).id
                : null;
            const result = this.#run('INSERT INTO messages (id, instance_id, event) VALUES (?, ?, ?)').run(
                id,
                instanceId,
                JSON.stringify(message),
            );
            this.#messageIds.set(message, result.lastInsertRowid);
            return true;
        },
        take: (instanceId, messages) => {
            const remove = this.#run('DELETE FROM messages WHERE id = ? AND instance_id = ?');
            for (const message of messages) {
                const id = this.#messageIds.get(message);
                if (id !== undefined) remove.run(id, instanceId);
            }
        },
        dropMessages: (instanceId, keep) => {
            if (!keep) return void this.#run('DELETE FROM messages WHERE instance_id = ?').run(instanceId);
            const rows = this.#run('SELECT id, event FROM messages WHERE instance_id = ?').all(instanceId) as {
                id: number;
                event: string;
            }[];
            const remove = this.#run('DELETE FROM messages WHERE id = ?');
            for (const row of rows) if (!keep(JSON.parse(row.event) as HistoryEvent)) remove.run(row.id);
        },
        replaceExecution: (record, previousExecutionId) => {
            this.#require({ instanceId: record.instanceId, executionId: previousExecutionId });
            this.#run('DELETE FROM history WHERE instance_id = ?').run(record.instanceId);
            this.#writeSummary(record);
            this.#insertHistory(record.instanceId, 0, record.history);
        },
        purge: (instanceId) => this.#deleteRows(instanceId) > 0,
    };

    #readHistory(instanceId: string): HistoryEvent[] {
        const rows = this.#run('SELECT event FROM history WHERE instance_id = ? ORDER BY seq').all(instanceId) as {
            event: string;
        }[];
        return rows.map((row) => JSON.parse(row.event) as HistoryEvent);
    }

    #readMessages(instanceId: string): HistoryEvent[] {
        const rows = this.#run('SELECT id, event FROM messages WHERE instance_id = ? ORDER BY id').all(instanceId) as {
            id: number;
            event: string;
        }[];
        return rows.map((row) => {
            const message = JSON.parse(row.event) as HistoryEvent;
            this.#messageIds.set(message, row.id);
            return message;
        });
    }

    /**
     * A finished instance keeps its status in memory; its history is read when something asks for it
     * (status with showHistory, the dashboard, rewind), so memory does not grow with finished instances.
     */
    releaseHistory(record: InstanceRecord): void {
        const read = (): HistoryEvent[] => (this.#closed ? [] : this.#readHistory(record.instanceId));
        Object.defineProperty(record, 'history', {
            configurable: true,
            enumerable: true,
            get: read,
            set(value: HistoryEvent[]) {
                Object.defineProperty(record, 'history', {
                    configurable: true,
                    enumerable: true,
                    writable: true,
                    value,
                });
            },
        });
    }
}

function recordOf(row: InstanceRow): InstanceRecord {
    const record: InstanceRecord = {
        instanceId: row.instance_id,
        name: row.name,
        executionId: row.execution_id,
        runtimeStatus: row.runtime_status,
        createdTime: row.created_time,
        lastUpdatedTime: row.last_updated_time,
        history: [],
        inbox: [],
    };
    if (row.input !== null) record.input = row.input;
    if (row.output !== null) record.output = row.output;
    if (row.custom_status !== null) record.customStatus = row.custom_status;
    if (row.parent !== null) record.parent = JSON.parse(row.parent) as InstanceRecord['parent'];
    if (row.version !== null) record.version = row.version;
    return record;
}
