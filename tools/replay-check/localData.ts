import { existsSync } from 'node:fs';
import { lockDataDir } from '../local-host/store/dataDirLock';
import { SqliteStore } from '../local-host/store/sqliteStore';
import { isTerminal, type Store } from '../local-host/store/store';
import { fromRecord, type RecordedInstance } from './instances';

/** The local host's store for a data directory (the one line that knows its implementation). */
const openStore = (dataDir: string): Store => new SqliteStore(dataDir, () => undefined);

/**
 * The unfinished instances in a local host's data directory, read through its Store (not its file
 * format). The directory's lock is taken for the read, as a host takes it: a running host owns the files.
 */
export async function readLocalData(dataDir: string): Promise<RecordedInstance[]> {
    if (!existsSync(dataDir))
        throw new Error(
            `No local host data directory at ${dataDir}: give the --data the local host ran with (npm start uses .durable-local).`,
        );
    let release: () => void;
    try {
        release = lockDataDir(dataDir);
    } catch (err) {
        throw new Error(
            `${(err as Error).message.replace(/ Stop it, or .*$/, '')} Stop it (Ctrl-C) and run the check again: the data directory has one reader or writer at a time.`,
        );
    }
    const store = openStore(dataDir);
    try {
        const records = await store.loadAll();
        return records
            .filter((r) => !isTerminal(r))
            .map((r) => fromRecord(r, dataDir))
            .sort((a, b) => a.instanceId.localeCompare(b.instanceId));
    } finally {
        await store.close();
        release();
    }
}
