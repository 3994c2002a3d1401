import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export type ProcessState = 'running' | 'zombie' | 'gone';

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function procStat(pid: number): string[] | undefined {
    try {
        const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return text.slice(text.lastIndexOf(')') + 2).split(' ');
    } catch {
        return undefined;
    }
}

const hasProc = (): boolean => process.platform === 'linux';

/** `ps` where there is no /proc (macOS, BSD): state and start time, or undefined when no such process. */
function psFields(pid: number): { stat: string; started: string } | undefined {
    try {
        const line = execFileSync('ps', ['-o', 'stat=,lstart=', '-p', String(pid)], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
        }).trim();
        const [stat, ...started] = line.split(/\s+/);
        return line ? { stat, started: started.join(' ') } : undefined;
    } catch {
        return undefined;
    }
}

/** Whether a process runs, is a zombie (exited, not yet reaped by its parent), or does not exist. */
export function processState(pid: number): ProcessState {
    if (!Number.isInteger(pid) || pid <= 0) return 'gone';
    if (hasProc()) {
        const stat = procStat(pid);
        if (!stat) return 'gone';
        return stat[0] === 'Z' || stat[0] === 'X' ? 'zombie' : 'running';
    }
    if (process.platform !== 'win32') {
        const ps = psFields(pid);
        if (!ps) return 'gone';
        return ps.stat.startsWith('Z') ? 'zombie' : 'running';
    }
    try {
        process.kill(pid, 0);
        return 'running';
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'EPERM' ? 'running' : 'gone';
    }
}

/** An opaque token for when a process started (clock ticks since boot on Linux), to tell a reused pid. */
export function processStartTime(pid: number): string | undefined {
    if (hasProc()) return procStat(pid)?.[19];
    if (process.platform !== 'win32') return psFields(pid)?.started;
    return undefined;
}
