import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';

/**
 * One host per data directory: two hosts on the same state would both run its orchestrations and
 * activities. The lock file holds the owner's pid; a lock whose process is gone (after `kill -9`) is
 * taken over. Released when the process exits.
 */
export function lockDataDir(dataDir: string): void {
    const lockFile = path.join(dataDir, 'host.lock');
    for (;;) {
        try {
            const fd = openSync(lockFile, 'wx');
            writeSync(fd, String(process.pid));
            closeSync(fd);
            process.once('exit', () => releaseIfOurs(lockFile));
            return;
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        const owner = Number(readFileSync(lockFile, 'utf8').trim());
        if (owner !== process.pid && isRunning(owner)) {
            throw new Error(
                `Another local host (pid ${owner}) is using the data directory ${dataDir}. ` +
                    `Stop it, or give this one its own state with --data <dir>.`,
            );
        }
        rmSync(lockFile, { force: true });
    }
}

function isRunning(pid: number): boolean {
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
        process.kill(pid, 0);
        return true;
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
}

function releaseIfOurs(lockFile: string): void {
    try {
        if (Number(readFileSync(lockFile, 'utf8').trim()) === process.pid) rmSync(lockFile, { force: true });
    } catch {
        // Already gone: nothing to release.
    }
}
