import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RunningHost {
    baseUrl: string;
    child: ChildProcess;
    /** The data directory it runs on. */
    data: string;
    /** Spawn → "Host listening" in seconds. */
    startSeconds: number;
    /** Stops the host; removes its data dir unless it was given. */
    stop(): Promise<void>;
}

export interface HostOptions {
    /** App folder (default: the product's app/). */
    app?: string;
    /** Data directory (default: a fresh temp dir, removed on stop). */
    data?: string;
    timeoutMs?: number;
}

/** Starts the local host through its real entry (what `npm start` runs) on a free loopback port. */
export async function startHostProcess(repoRoot: string, options: HostOptions = {}): Promise<RunningHost> {
    const { timeoutMs = 60_000 } = options;
    const data = options.data ?? fs.mkdtempSync(path.join(os.tmpdir(), 'durable-bench-'));
    const args = [
        path.join(repoRoot, 'tools', 'local-host', 'cli.js'),
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--data',
        data,
        ...(options.app ? ['--app', options.app] : []),
    ];
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
            () => reject(new Error(`the local host did not start within ${timeoutMs} ms:\n${output}`)),
            timeoutMs,
        );
        const onData = (chunk: Buffer) => {
            output += chunk;
            const match = /Host listening on port (\d+)/.exec(output);
            if (match) {
                clearTimeout(timer);
                resolve(Number(match[1]));
            }
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.on('exit', (code) => reject(new Error(`the local host exited with ${code}:\n${output}`)));
    });
    const startSeconds = (performance.now() - spawnedAt) / 1000;
    // Keep draining the host's log so a full pipe never blocks it.
    child.stdout!.resume();
    child.stderr!.resume();
    return {
        baseUrl: `http://127.0.0.1:${port}`,
        child,
        data,
        startSeconds,
        stop: async () => {
            if (child.exitCode === null) {
                const exited = new Promise((resolve) => child.once('exit', resolve));
                child.kill('SIGTERM');
                await exited;
            }
            if (!options.data) fs.rmSync(data, { recursive: true, force: true });
        },
    };
}

/** Resident set size of a process in MiB (Linux /proc; undefined elsewhere). */
export function rssMiB(pid: number | undefined): number | undefined {
    try {
        const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        return kb === undefined ? undefined : Number(kb) / 1024;
    } catch {
        return undefined;
    }
}
