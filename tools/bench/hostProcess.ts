import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RunningHost {
    baseUrl: string;
    child: ChildProcess;
    stop(): Promise<void>;
}

/** Starts the local host through its real entry (what `npm start` runs) on a free loopback port with a fresh data dir. */
export async function startHostProcess(repoRoot: string, timeoutMs = 60_000): Promise<RunningHost> {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-bench-'));
    const child = spawn(process.execPath, [path.join(repoRoot, 'tools', 'local-host', 'cli.js'), '--port', '0', '--host', '127.0.0.1', '--data', data], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the local host did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
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
    // Keep draining the host's log so a full pipe never blocks it.
    child.stdout!.resume();
    child.stderr!.resume();
    return {
        baseUrl: `http://127.0.0.1:${port}`,
        child,
        stop: async () => {
            if (child.exitCode === null) {
                const exited = new Promise((resolve) => child.once('exit', resolve));
                child.kill('SIGTERM');
                await exited;
            }
            fs.rmSync(data, { recursive: true, force: true });
        },
    };
}
