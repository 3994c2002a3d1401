import type { DatabaseSync } from 'node:sqlite';

/**
 * Whether `node:sqlite` loads without a flag: from v22.13.0 on the 22 line and from v23.4.0 on
 * (nodejs/node doc/api/sqlite.md history, PR #55890 "SQLite is no longer behind --experimental-sqlite").
 */
export function hasUnflaggedSqlite(version: string): boolean {
    const [major, minor] = version.split('.').map(Number);
    return major > 23 || (major === 23 && minor >= 4) || (major === 22 && minor >= 13);
}

/**
 * Opens a database with Node's built-in `node:sqlite`. Node emits one ExperimentalWarning when the
 * module loads ("SQLite is an experimental feature..."): that warning alone is kept out of the
 * user's output; every other warning still prints.
 */
export function openDatabase(file: string, version = process.versions.node): DatabaseSync {
    if (!hasUnflaggedSqlite(version)) {
        throw new Error(
            `The local Durable host keeps its data in SQLite through node:sqlite, which needs Node.js 22.13 or newer (23.4 or newer on the 23 line; this is ${version}): install a current Node 22 or later.`,
        );
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
        const type =
            typeof rest[0] === 'string'
                ? rest[0]
                : ((rest[0] as { type?: string } | undefined)?.type ?? (warning as Error)?.name);
        if (type === 'ExperimentalWarning' && /^SQLite is an experimental feature/.test(String(text))) return;
        emitWarning(warning, ...rest);
    }) as typeof process.emitWarning;
}
