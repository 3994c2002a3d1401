import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
/**
 * How long a wait driven by an event (a port printed, a status reached) may take before it counts as a hang.
 * Generous on purpose: a busy 2-core machine runs 5-10 times slower than an idle one, and a wait that succeeds
 * returns as soon as its event happens. Below jest's testTimeout (jest.config.js), so a hang fails with the
 * wait's own message (the last status, the host's output).
 */
export const HANG_MS = 120_000;
/** The entry `npm start` runs. */
export const HOST_CLI = path.join(REPO_ROOT, 'tools/local-host/cli.js');

export interface LocalHost {
    url: string;
    port: number;
    data: string;
    process: ChildProcess;
    /** Everything the host printed so far (stdout + stderr). */
    output(): string;
    /** Ctrl-C (SIGINT); resolves with the exit code. */
    stop(): Promise<number | null>;
    /** SIGKILL, like `kill -9`; resolves once the process is gone. */
    kill9(): Promise<void>;
}

export interface StartOptions {
    /** App folder (default: the product's app/). */
    app?: string;
    /** State directory (default: a fresh temp dir). */
    data?: string;
    args?: string[];
    env?: Record<string, string>;
    timeoutMs?: number;
    /** The repository whose local host runs (default: this one), e.g. a copy with a changed app. */
    repoRoot?: string;
}

/** Spawns the local host as `npm start -- --port 0` would, waits for its port. */
export function startLocalHost(options: StartOptions = {}): Promise<LocalHost> {
    const data = options.data ?? mkdtempSync(path.join(tmpdir(), 'durable-local-'));
    const root = options.repoRoot ?? REPO_ROOT;
    const cli = path.join(root, path.relative(REPO_ROOT, HOST_CLI));
    const args = [
        cli,
        '--port',
        '0',
        '--data',
        data,
        ...(options.app ? ['--app', options.app] : []),
        ...(options.args ?? []),
    ];
    const child = spawn(process.execPath, args, {
        cwd: root,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`local host did not start within ${options.timeoutMs ?? HANG_MS} ms:\n${output}`));
        }, options.timeoutMs ?? HANG_MS);
        const onData = (chunk: Buffer): void => {
            output += chunk.toString();
            const match = /Host listening on port (\d+)/.exec(output);
            if (match && timer) {
                clearTimeout(timer);
                const port = Number(match[1]);
                resolve({
                    url: `http://localhost:${port}`,
                    port,
                    data,
                    process: child,
                    output: () => output,
                    stop: async () => {
                        if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
                        return exited;
                    },
                    kill9: async () => {
                        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
                        await exited;
                    },
                });
            }
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`local host exited with ${code} before listening:\n${output}`));
        });
    });
}

export interface JsonResponse<T = unknown> {
    status: number;
    headers: Headers;
    body: T;
    text: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies in tests are read ad hoc
export async function httpJson<T = any>(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
        init.body = typeof body === 'string' || Buffer.isBuffer(body) ? (body as string) : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await fetch(url, init);
    const text = await response.text();
    let parsed: unknown = text;
    try {
        parsed = text ? JSON.parse(text) : undefined;
    } catch {
        // not JSON
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
}

export interface PollOptions {
    timeoutMs?: number;
    intervalMs?: number;
    /** Stop when this holds (default: a terminal runtimeStatus). */
    until?: (status: OrchestrationStatus) => boolean;
}

/** The status JSON of the Durable HTTP API. */
export interface OrchestrationStatus {
    name: string;
    instanceId: string;
    runtimeStatus: string;
    input: unknown;
    customStatus: unknown;
    output: unknown;
    createdTime: string;
    lastUpdatedTime: string;
    historyEvents?: Record<string, unknown>[];
}

const TERMINAL = ['Completed', 'Failed', 'Terminated'];

/** Polls a status URL (statusQueryGetUri) until `until` holds; returns the last status body. */
export async function pollStatus(url: string, options: PollOptions = {}): Promise<OrchestrationStatus> {
    const until = options.until ?? ((s: OrchestrationStatus) => TERMINAL.includes(s?.runtimeStatus));
    const deadline = Date.now() + (options.timeoutMs ?? HANG_MS);
    let last: JsonResponse<OrchestrationStatus> | undefined;
    for (;;) {
        last = await httpJson<OrchestrationStatus>('GET', url);
        if (last.status < 500 && until(last.body)) return last.body;
        if (Date.now() > deadline)
            throw new Error(`status at ${url} did not reach the expected state; last: ${last.status} ${last.text}`);
        await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
    }
}
