import type { DatabaseSync } from 'node:sqlite';

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
    parent TEXT
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
`;

export const SCHEMA_VERSION = '1';

/**
 * WAL with synchronous=NORMAL: a commit is in the WAL file (the OS's page cache) before COMMIT
 * returns, so a crash of the process (kill -9) loses nothing committed; the WAL is fsynced at each
 * checkpoint, so a power loss or OS crash may lose the commits since the last checkpoint but never
 * leaves the database torn (sqlite.org/pragma.html#pragma_synchronous, sqlite.org/wal.html).
 */
export function prepareDatabase(db: DatabaseSync): void {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF; PRAGMA busy_timeout = 5000;');
    db.exec(SCHEMA);
    const row = db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).get() as { value: string } | undefined;
    if (row && row.value !== SCHEMA_VERSION) {
        throw new Error(`The data directory's database has schema version ${row.value}; this host reads version ${SCHEMA_VERSION}. Use the host version that wrote it, or start with a new --data directory.`);
    }
    if (!row) db.prepare(`INSERT INTO meta (key, value) VALUES ('schema', ?)`).run(SCHEMA_VERSION);
}
