import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { lockDataDir } from '../../tools/local-host/store/dataDirLock';
import { processStartTime, processState } from '../../tools/local-host/store/processInfo';

let dir: string;
const sleepers: ChildProcess[] = [];
beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'durable-lock-'));
});
afterEach(() => {
    sleepers.splice(0).forEach((child) => child.kill('SIGKILL'));
    rmSync(dir, { recursive: true, force: true });
});

const lockFile = () => path.join(dir, 'host.lock');
const owner = () => JSON.parse(readFileSync(lockFile(), 'utf8')) as { pid: number; startTime?: string };

function sleeper(): ChildProcess {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    sleepers.push(child);
    return child;
}

const linuxOnly = process.platform === 'linux' ? it : it.skip;

describe('data-directory lock', () => {
    it('refuses a live owner with the message that says what to do', () => {
        const live = sleeper();
        writeFileSync(lockFile(), JSON.stringify({ pid: live.pid, startTime: processStartTime(live.pid!) }));
        expect(() => lockDataDir(dir)).toThrow(
            `Another local host (pid ${live.pid}) is using the data directory ${dir}. Stop it, or give this one its own state with --data <dir>.`,
        );
    });

    it('takes over at once from a dead pid', () => {
        const gone = Number(execFileSync('sh', ['-c', 'sh -c "exit 0" & echo $!; wait'], { encoding: 'utf8' }).trim());
        expect(processState(gone)).toBe('gone');
        writeFileSync(lockFile(), String(gone));
        lockDataDir(dir);
        expect(owner().pid).toBe(process.pid);
    });

    linuxOnly('takes over at once from a zombie owner (exited, not yet reaped: right after kill -9)', async () => {
        // The background child exits once its parent has become `sleep`, which never reaps it (a child that exited
        // before the `exec` could be reaped by the shell itself, which happened on a busy machine).
        const parent = spawn('sh', ['-c', 'sh -c "sleep 0.3; exit 0" & echo $!; exec sleep 60'], {
            stdio: ['ignore', 'pipe', 'ignore'],
        });
        sleepers.push(parent);
        const zombie = Number(
            await new Promise<string>((resolve) =>
                parent.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString())),
            ),
        );
        for (let i = 0; i < 2000 && processState(zombie) !== 'zombie'; i++)
            await new Promise((resolve) => setTimeout(resolve, 10));
        expect(processState(zombie)).toBe('zombie');
        writeFileSync(lockFile(), JSON.stringify({ pid: zombie, startTime: processStartTime(zombie) }));
        lockDataDir(dir);
        expect(owner().pid).toBe(process.pid);
    });

    linuxOnly('takes over from a pid the system gave to another process since (other start time)', () => {
        const reused = sleeper();
        writeFileSync(lockFile(), JSON.stringify({ pid: reused.pid, startTime: '1' }));
        lockDataDir(dir);
        expect(owner()).toEqual({ pid: process.pid, startTime: processStartTime(process.pid) });
    });
});
