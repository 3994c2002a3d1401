import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { processStartTime, processState } from './processInfo';

interface Owner {
    pid: number;
    /** When the owner process started (see processStartTime): tells a reused pid from the owner. */
    startTime?: string;
}

/**
 * One host per data directory: two hosts on the same state would both run its orchestrations and
 * activities. The lock file holds the owner's pid and start time. A lock whose owner is gone is taken
 * over at once: no such process, a zombie not yet reaped (right after `kill -9`, until its parent
 * waits for it), or a pid the system has since given to another process. Released when the process exits,
 * or earlier by calling the function it returns.
 */
export function lockDataDir(dataDir: string): () => void {
    const lockFile = path.join(dataDir, 'host.lock');
    const me: Owner = { pid: process.pid, startTime: processStartTime(process.pid) };
    for (;;) {
        try {
            const fd = openSync(lockFile, 'wx');
            writeSync(fd, JSON.stringify(me));
            closeSync(fd);
            const release = (): void => {
                process.removeListener('exit', release);
                releaseIfOurs(lockFile);
            };
            process.once('exit', release);
            return release;
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        const text = readText(lockFile);
        if (text === undefined) continue;
        const owner = parseOwner(text);
        if (owner && owner.pid !== process.pid && isAlive(owner)) {
            throw new Error(
                `Another local host (pid ${owner.pid}) is using the data directory ${dataDir}. ` +
                    `Stop it, or give this one its own state with --data <dir>.`,
            );
        }
        takeOverStale(lockFile, text);
    }
}

/**
 * Moves the stale lock aside (rename is atomic: of two hosts taking over at once, one wins). If what
 * was moved is not the lock judged stale (another host took over meanwhile), it is put back.
 */
function takeOverStale(lockFile: string, staleText: string): void {
    const aside = `${lockFile}.${process.pid}.stale`;
    try {
        renameSync(lockFile, aside);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
    }
    try {
        if (readText(aside) !== staleText) linkSync(aside, lockFile);
    } catch {
        // A new lock exists already: the next round reads it.
    } finally {
        rmSync(aside, { force: true });
    }
}

function parseOwner(text: string): Owner | undefined {
    const trimmed = text.trim();
    if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed) };
    try {
        const owner = JSON.parse(trimmed) as Owner;
        return Number.isInteger(owner.pid) && owner.pid > 0 ? owner : undefined;
    } catch {
        return undefined;
    }
}

function isAlive(owner: Owner): boolean {
    const state = processState(owner.pid);
    if (state === 'gone' || state === 'zombie') return false;
    // Same pid, other start time: the owner died and the system reused its pid.
    return !(owner.startTime && processStartTime(owner.pid) !== owner.startTime);
}

function readText(file: string): string | undefined {
    try {
        return readFileSync(file, 'utf8');
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
    }
}

function releaseIfOurs(lockFile: string): void {
    try {
        if (parseOwner(readText(lockFile) ?? '')?.pid === process.pid) rmSync(lockFile, { force: true });
    } catch {
        // Unreadable at exit: the next host judges it by its owner.
    }
}
