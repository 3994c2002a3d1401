import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import type { EntityStore } from '../engine/entities/entityStore';
import type { HistoryEvent } from '../model/history';
import { isTerminal, type InstanceRecord } from '../model/instance';
import type { RedeliveryLog } from '../worker-channel/redelivery';
import { importLegacyData } from './legacyImport';
import { Checkpointer } from './checkpointer';
import { prepareDatabase } from './schema';
import { openDatabase } from './sqlite';
import { SqliteInstances } from './sqliteInstances';
import { SqliteEntities, SqliteRedeliveries } from './sqliteTables';
import { InstanceGoneError, type Store, type StoreOps } from './store';

interface Step {
    write: (ops: StoreOps) => unknown;
    apply?: (written: unknown) => void;
    resolve: (value: unknown) => void;
    reject: (err: unknown) => void;
}

/**
 * Instances, history, messages and entities in one SQLite database, `<data>/durable.db` (see
 * schema.ts for the tables and the durability). Steps queued in one event-loop turn are written
 * in one transaction, each inside a savepoint so a failing step rolls back alone: one commit for
 * everything the engine did in that turn, across instances.
 */
export class SqliteStore implements Store {
    readonly file: string;
    readonly entities: EntityStore;
    readonly redeliveries: RedeliveryLog;
    readonly #db: DatabaseSync;
    readonly #dataDir: string;
    readonly #warn: (message: string) => void;
    readonly #instances: SqliteInstances;
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
        this.#instances = new SqliteInstances(this.#db);
        this.#checkpointer = new Checkpointer(this.file, warn);
        this.entities = new SqliteEntities(
            (sql) => this.#instances.run(sql),
            () => this.#checkpointer.committed(),
        );
        this.redeliveries = new SqliteRedeliveries(
            (sql) => this.#instances.run(sql),
            () => this.#checkpointer.committed(),
        );
    }

    async loadAll(): Promise<InstanceRecord[]> {
        importLegacyData(this.#dataDir, this.#db, this.#instances.ops, this.#warn);
        return this.#instances.records().map((record) => {
            if (isTerminal(record)) this.releaseHistory(record);
            else {
                record.history = this.#instances.readHistory(record.instanceId);
                record.inbox = this.#instances.readMessages(record.instanceId);
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
        this.#checkpointer.committed();
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
            return steps.map((step) => [step, step.write(this.#instances.ops)]);
        } catch {
            this.#db.exec('ROLLBACK');
            this.#db.exec('BEGIN IMMEDIATE');
        }
        const written: [Step, unknown][] = [];
        for (const step of steps) {
            this.#db.exec('SAVEPOINT step');
            try {
                written.push([step, step.write(this.#instances.ops)]);
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

    /**
     * A finished instance keeps its status in memory; its history is read when something asks for it
     * (status with showHistory, the dashboard, rewind), so memory does not grow with finished instances.
     */
    releaseHistory(record: InstanceRecord): void {
        const read = (): HistoryEvent[] => (this.#closed ? [] : this.#instances.readHistory(record.instanceId));
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
