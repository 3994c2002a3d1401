import type { DatabaseSync } from 'node:sqlite';

/**
 * Work that ended its worker, waiting to be delivered again (redelivery.ts): Azure keeps this count on the queue
 * message.
 */
const REDELIVERIES = `
CREATE TABLE IF NOT EXISTS redeliveries (
    key TEXT PRIMARY KEY,
    instance_id TEXT NOT NULL,
    function_name TEXT NOT NULL,
    deliveries INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS redeliveries_by_instance ON redeliveries (instance_id);
`;

/**
 * The tables of `<data>/durable.db`. Instance ids and entity keys are TEXT keys compared byte for
 * byte (`Abc` and `abc` are two instances on every file system, as in Azure Storage's tables).
 * `messages.id` orders an instance's queue; a message put at the front gets an id below every other.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS instances (
    instance_id TEXT PRIMARY KEY,
    execution_id TEXT NOT NULL,
    name TEXT NOT NULL,
    runtime_status TEXT NOT NULL,
    input TEXT,
    output TEXT,
    custom_status TEXT,
    created_time TEXT NOT NULL,
    last_updated_time TEXT NOT NULL,
    parent TEXT,
    version TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS history (
    instance_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (instance_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, instance_id TEXT NOT NULL, event TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS messages_by_instance ON messages (instance_id, id);
CREATE TABLE IF NOT EXISTS entities (scheduler_id TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID;
${REDELIVERIES}
`;

export const SCHEMA_VERSION = '2';

/**
 * What turns a database of one schema version into the next, in the transaction that records the new
 * version: nothing a user had is lost. 1 → 2: the version each instance was started with becomes a
 * column (read from its ExecutionStarted event, in its history or still queued while Pending), so a
 * status answer never reads history; the redelivery counts get their table.
 */
const MIGRATIONS: Record<string, string> = {
    '1': `
ALTER TABLE instances ADD COLUMN version TEXT;
UPDATE instances SET version = coalesce(
    (SELECT json_extract(event, '$.Version') FROM history h WHERE h.instance_id = instances.instance_id AND json_extract(event, '$.EventType') = 0 ORDER BY seq LIMIT 1),
    (SELECT json_extract(event, '$.Version') FROM messages m WHERE m.instance_id = instances.instance_id AND json_extract(event, '$.EventType') = 0 ORDER BY id LIMIT 1));
UPDATE instances SET version = NULL WHERE version = '';
${REDELIVERIES}`,
};

/** The store checkpoints at most this long after a commit, on a thread of its own (checkpointer.ts). */
export const CHECKPOINT_MS = 1000;

/**
 * WAL with synchronous=NORMAL: a commit is in the WAL file (the OS's page cache) before COMMIT
 * returns, so a crash of the process (kill -9) loses nothing committed; the WAL is fsynced at each
 * checkpoint, so a power loss or OS crash may lose the commits since the last checkpoint but never
 * leaves the database torn (sqlite.org/pragma.html#pragma_synchronous, sqlite.org/wal.html).
 * SQLite's own checkpoint runs inside the commit that fills 1,000 pages, two fsyncs on the engine's
 * path (about 110 µs a commit on average here); the store instead checkpoints CHECKPOINT_MS after a
 * commit on a second connection in a worker thread (checkpointer.ts: a checkpoint takes 20 to 40 ms
 * here, which the engine's thread no longer waits for), which also bounds what a power loss may take
 * to about that second. The
 * automatic one stays, at 10,000 pages (40 MiB), as a bound on the WAL under sustained writes.
 */
export function prepareDatabase(db: DatabaseSync): void {
    db.exec(
        'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF; PRAGMA busy_timeout = 5000; PRAGMA wal_autocheckpoint = 10000;',
    );
    db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;');
    const schema = () =>
        (db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).get() as { value: string } | undefined)?.value;
    let version = schema();
    if (version === undefined) {
        db.exec('BEGIN IMMEDIATE');
        db.exec(SCHEMA);
        db.prepare(`INSERT INTO meta (key, value) VALUES ('schema', ?)`).run(SCHEMA_VERSION);
        db.exec('COMMIT');
        return;
    }
    for (
        let migration = MIGRATIONS[version];
        version !== SCHEMA_VERSION && migration !== undefined;
        migration = MIGRATIONS[version ?? '']
    ) {
        const next = String(Number(version) + 1);
        db.exec('BEGIN IMMEDIATE');
        try {
            db.exec(migration);
            db.prepare(`UPDATE meta SET value = ? WHERE key = 'schema'`).run(next);
            db.exec('COMMIT');
        } catch (err) {
            db.exec('ROLLBACK');
            throw new Error(
                `Could not upgrade the data directory's database from schema version ${version} to ${next}: ${(err as Error).message}. Nothing was changed; free disk space or fix permissions and start again.`,
                { cause: err },
            );
        }
        version = schema();
    }
    if (version !== SCHEMA_VERSION) {
        throw new Error(
            `The data directory's database has schema version ${version}; this host reads version ${SCHEMA_VERSION}. Use the host version that wrote it, or start with a new --data directory.`,
        );
    }
}
