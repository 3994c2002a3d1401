import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { HistoryEvent } from '../model/history';
import { isTerminal, startedVersion, type InstanceRecord, type StatusFields } from '../model/instance';
import { InstanceGoneError, type ExecutionRef, type StoreOps } from './store';

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

/** History rows per INSERT (3 parameters each, far below SQLite's 32,766 parameters per statement). */
const HISTORY_ROWS = 64;

/**
 * The store's explicit operations on the instance tables (instances, history, messages; schema.ts) over one connection,
 * with its prepared statements. They run inside the transactions SqliteStore opens, which rolls back a step whose
 * operation throws.
 */
export class SqliteInstances {
    readonly #sql = new Map<string, StatementSync>();
    /** The row id of each message read or written, so that taking it deletes exactly that row. */
    readonly #messageIds = new WeakMap<HistoryEvent, number | bigint>();

    constructor(private readonly db: DatabaseSync) {}

    /** Every instance's record, without history and messages (read those with readHistory and readMessages). */
    records(): InstanceRecord[] {
        return (this.run('SELECT * FROM instances').all() as unknown as InstanceRow[]).map(recordOf);
    }

    /** A prepared statement, made once per text (the entity and redelivery tables use them too). */
    run(sql: string): StatementSync {
        let statement = this.#sql.get(sql);
        if (!statement) this.#sql.set(sql, (statement = this.db.prepare(sql)));
        return statement;
    }

    #require(ref: ExecutionRef): void {
        const row = this.run('SELECT 1 FROM instances WHERE instance_id = ? AND execution_id = ?').get(
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
            this.run(
                `INSERT INTO history (instance_id, seq, event) VALUES ${'(?, ?, ?), '.repeat(chunk.length - 1)}(?, ?, ?)`,
            ).run(...values);
        }
    }

    #writeSummary(record: Omit<InstanceRecord, 'inbox' | 'history'>): void {
        this.run(
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
        this.run('DELETE FROM history WHERE instance_id = ?').run(instanceId);
        this.run('DELETE FROM messages WHERE instance_id = ?').run(instanceId);
        // A purged (or newly started) id keeps no redelivery count: its poison message is gone with it.
        this.run('DELETE FROM redeliveries WHERE instance_id = ?').run(instanceId);
        return Number(this.run('DELETE FROM instances WHERE instance_id = ?').run(instanceId).changes);
    }

    readonly ops: StoreOps = {
        createInstance: (record) => {
            this.#deleteRows(record.instanceId);
            // Records imported from the file store carry no version field: it is in their ExecutionStarted event.
            this.#writeSummary(record.version === undefined ? { ...record, version: startedVersion(record) } : record);
            this.#insertHistory(record.instanceId, 0, record.history);
            for (const message of record.inbox) this.ops.enqueue(record.instanceId, undefined, message);
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
            const changed = this.run(`UPDATE instances SET ${sets} WHERE instance_id = ? AND execution_id = ?`).run(
                ...values,
                ref.instanceId,
                ref.executionId,
            );
            if (Number(changed.changes) === 0) throw new InstanceGoneError(ref);
        },
        enqueue: (instanceId, executionId, message, { front = false, toFailed = false } = {}) => {
            const live = this.run(`SELECT execution_id, runtime_status FROM instances WHERE instance_id = ?`).get(
                instanceId,
            ) as { execution_id: string; runtime_status: InstanceRecord['runtimeStatus'] } | undefined;
            if (!live || (executionId !== undefined && live.execution_id !== executionId)) return false;
            if (isTerminal({ runtimeStatus: live.runtime_status }) && !(toFailed && live.runtime_status === 'Failed'))
                return false;
            const id = front
                ? (this.run('SELECT coalesce(min(id), 0) - 1 AS id FROM messages').get() as { id: number }).id
                : null;
            const result = this.run('INSERT INTO messages (id, instance_id, event) VALUES (?, ?, ?)').run(
                id,
                instanceId,
                JSON.stringify(message),
            );
            this.#messageIds.set(message, result.lastInsertRowid);
            return true;
        },
        take: (instanceId, messages) => {
            const remove = this.run('DELETE FROM messages WHERE id = ? AND instance_id = ?');
            for (const message of messages) {
                const id = this.#messageIds.get(message);
                if (id !== undefined) remove.run(id, instanceId);
            }
        },
        dropMessages: (instanceId, keep) => {
            if (!keep) return void this.run('DELETE FROM messages WHERE instance_id = ?').run(instanceId);
            const rows = this.run('SELECT id, event FROM messages WHERE instance_id = ?').all(instanceId) as {
                id: number;
                event: string;
            }[];
            const remove = this.run('DELETE FROM messages WHERE id = ?');
            for (const row of rows) if (!keep(JSON.parse(row.event) as HistoryEvent)) remove.run(row.id);
        },
        replaceExecution: (record, previousExecutionId) => {
            this.#require({ instanceId: record.instanceId, executionId: previousExecutionId });
            this.run('DELETE FROM history WHERE instance_id = ?').run(record.instanceId);
            this.#writeSummary(record);
            this.#insertHistory(record.instanceId, 0, record.history);
        },
        purge: (instanceId) => this.#deleteRows(instanceId) > 0,
    };

    readHistory(instanceId: string): HistoryEvent[] {
        const rows = this.run('SELECT event FROM history WHERE instance_id = ? ORDER BY seq').all(instanceId) as {
            event: string;
        }[];
        return rows.map((row) => JSON.parse(row.event) as HistoryEvent);
    }

    readMessages(instanceId: string): HistoryEvent[] {
        const rows = this.run('SELECT id, event FROM messages WHERE instance_id = ? ORDER BY id').all(instanceId) as {
            id: number;
            event: string;
        }[];
        return rows.map((row) => {
            const message = JSON.parse(row.event) as HistoryEvent;
            this.#messageIds.set(message, row.id);
            return message;
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
