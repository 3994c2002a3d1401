import type { DatabaseSync } from 'node:sqlite';

/** The first Node release where `node:sqlite` loads without a flag (nodejs/node CHANGELOG_V22, 22.13.0: "sqlite: unflag"). */
export const SQLITE_MIN_NODE = [22, 13] as const;

/**
 * Opens a database with Node's built-in `node:sqlite`. Node emits one ExperimentalWarning when the
 * module loads ("SQLite is an experimental feature..."): that warning alone is kept out of the
 * user's output; every other warning still prints.
 */
export function openDatabase(file: string, version = process.versions.node): DatabaseSync {
    const [major, minor] = version.split('.').map(Number);
    if (major < SQLITE_MIN_NODE[0] || (major === SQLITE_MIN_NODE[0] && minor < SQLITE_MIN_NODE[1])) {
        throw new Error(`The local Durable host keeps its data in SQLite through node:sqlite, which needs Node.js ${SQLITE_MIN_NODE.join('.')} or newer (this is ${version}): install a newer Node 22 or later.`);
    }
    filterSqliteWarning();
    // Loaded here, after the warning filter is in place.
    const { DatabaseSync: Database } = require('node:sqlite') as typeof import('node:sqlite');
    return new Database(file);
}

let filtered = false;

function filterSqliteWarning(): void {
    if (filtered) return;
    filtered = true;
    const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
    process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
        const text = typeof warning === 'string' ? warning : warning?.message;
        const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type ?? (warning as Error)?.name;
        if (type === 'ExperimentalWarning' && /^SQLite is an experimental feature/.test(String(text))) return;
        emitWarning(warning, ...rest);
    }) as typeof process.emitWarning;
}
