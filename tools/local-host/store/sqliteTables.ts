import type { StatementSync } from 'node:sqlite';
import type { EntityRecord, EntityStore } from '../engine/entities/entityStore';
import type { RedeliveryLog, RedeliveryRecord } from '../worker-channel/redelivery';

/** Redelivery counts in the same database: each write is its own transaction, committed before it returns. */
export class SqliteRedeliveries implements RedeliveryLog {
    constructor(
        private readonly run: (sql: string) => StatementSync,
        private readonly committed: () => void,
    ) {}
    /** The counts of work whose instance (or entity) is still there; those of purged ones go. */
    load(): RedeliveryRecord[] {
        this.run(
            `DELETE FROM redeliveries WHERE instance_id NOT IN (SELECT instance_id FROM instances) AND instance_id NOT IN (SELECT scheduler_id FROM entities)`,
        ).run();
        const rows = this.run(
            'SELECT key, instance_id, function_name, deliveries, next_attempt_at, last_error FROM redeliveries',
        ).all() as {
            key: string;
            instance_id: string;
            function_name: string;
            deliveries: number;
            next_attempt_at: string;
            last_error: string;
        }[];
        return rows.map((r) => ({
            key: r.key,
            instanceId: r.instance_id,
            functionName: r.function_name,
            deliveries: r.deliveries,
            nextAttemptAt: r.next_attempt_at,
            lastError: r.last_error,
        }));
    }
    save(r: RedeliveryRecord): void {
        this.run(
            'INSERT OR REPLACE INTO redeliveries (key, instance_id, function_name, deliveries, next_attempt_at, last_error) VALUES (?, ?, ?, ?, ?, ?)',
        ).run(r.key, r.instanceId, r.functionName, r.deliveries, r.nextAttemptAt, r.lastError);
        this.committed();
    }
    delete(key: string): void {
        this.run('DELETE FROM redeliveries WHERE key = ?').run(key);
        this.committed();
    }
}

/** Entities in the same database: each write is its own transaction, committed before it returns. */
export class SqliteEntities implements EntityStore {
    constructor(
        private readonly run: (sql: string) => StatementSync,
        private readonly committed: () => void,
    ) {}
    read(schedulerId: string): EntityRecord | undefined {
        const row = this.run('SELECT record FROM entities WHERE scheduler_id = ?').get(schedulerId) as
            { record: string } | undefined;
        return row && (JSON.parse(row.record) as EntityRecord);
    }
    write(schedulerId: string, record: EntityRecord): void {
        this.run('INSERT OR REPLACE INTO entities (scheduler_id, record) VALUES (?, ?)').run(
            schedulerId,
            JSON.stringify(record),
        );
        this.committed();
    }
    delete(schedulerId: string): void {
        this.run('DELETE FROM entities WHERE scheduler_id = ?').run(schedulerId);
        this.committed();
    }
    list(): { schedulerId: string; record: EntityRecord }[] {
        const rows = this.run('SELECT scheduler_id, record FROM entities').all() as {
            scheduler_id: string;
            record: string;
        }[];
        return rows.map((row) => ({ schedulerId: row.scheduler_id, record: JSON.parse(row.record) as EntityRecord }));
    }
}
