import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import type { EntityRecord } from '../engine/entities/entityStore';
import type { InstanceRecord } from '../model/instance';
import { replayLog } from './legacyLog';
import { readFrames } from './logFrames';
import type { StoreOps } from './store';

const IMPORTED = 'imported-file-store';

/**
 * A data directory written by the file store (one log per instance under `instances/`, one JSON file
 * per entity under `entities/`, or the older one JSON file per instance) is imported into the
 * database on first start, in one transaction: every instance with its history and waiting messages
 * (a torn final write, never acknowledged, is left out as the file store did), every entity. The old
 * folders are then renamed `*.imported` (kept, not deleted: remove them once satisfied). A crash
 * before the rename imports nothing twice: the transaction records that the import happened.
 */
export function importLegacyData(
    dataDir: string,
    db: DatabaseSync,
    ops: StoreOps,
    warn: (message: string) => void,
): void {
    const instancesDir = path.join(dataDir, 'instances');
    const entitiesDir = path.join(dataDir, 'entities');
    if (!existsSync(instancesDir) && !existsSync(entitiesDir)) return;
    const done = db.prepare('SELECT 1 FROM meta WHERE key = ?').get(IMPORTED);
    if (!done) {
        const instances = existsSync(instancesDir) ? readInstances(instancesDir, warn) : [];
        const entities = existsSync(entitiesDir) ? readEntities(entitiesDir) : [];
        db.exec('BEGIN IMMEDIATE');
        try {
            instances.forEach((record) => ops.createInstance(record));
            const put = db.prepare('INSERT OR REPLACE INTO entities (scheduler_id, record) VALUES (?, ?)');
            entities.forEach(([id, record]) => put.run(id, JSON.stringify(record)));
            db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(IMPORTED, new Date().toISOString());
            db.exec('COMMIT');
        } catch (err) {
            db.exec('ROLLBACK');
            throw new Error(
                `Could not import the data directory ${dataDir} into the database: ${(err as Error).message}. Nothing was changed; free disk space or fix permissions and start again.`,
                { cause: err },
            );
        }
        warn(
            `imported ${instances.length} instance(s) and ${entities.length} entity record(s) from the file store into ${path.join(dataDir, 'durable.db')}`,
        );
    }
    for (const dir of [instancesDir, entitiesDir]) {
        if (existsSync(dir)) renameSync(dir, `${dir}.imported`);
    }
}

function readInstances(dir: string, warn: (message: string) => void): InstanceRecord[] {
    const records: InstanceRecord[] = [];
    for (const name of readdirSync(dir).sort()) {
        const file = path.join(dir, name);
        if (name.endsWith('.json')) records.push(JSON.parse(readFileSync(file, 'utf8')) as InstanceRecord);
        if (!name.endsWith('.log')) continue;
        const frames = readFrames(readFileSync(file));
        if (frames.tornBytes > 0)
            warn(
                `${name}: left out a torn final record (${frames.tornBytes} bytes of a write that never completed; everything acknowledged is kept)`,
            );
        const record = replayLog(frames.records);
        if (record) records.push(record);
        else warn(`skipped ${name}: it holds no complete snapshot of an instance`);
    }
    return records;
}

function readEntities(dir: string): [string, EntityRecord][] {
    return readdirSync(dir)
        .filter((name) => name.endsWith('.json'))
        .map((name) => [
            decodeURIComponent(name.slice(0, -'.json'.length)),
            JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as EntityRecord,
        ]);
}
