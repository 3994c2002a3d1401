import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { appManifest } from '../../infra/package';
import { starterOf } from '../../infra/package/manifest';
import { readSmokeSpec, starterUrlFor } from '../smoke/spec';

interface StartResponse {
    id: string;
    statusQueryGetUri: string;
}

interface Status {
    runtimeStatus: string;
    output?: unknown;
}

/**
 * POSTs to a starter (the app's HTTP starter, or the Durable HTTP API) and polls the status URL it
 * answers every `pollMs` until Completed. Returns start → Completed in ms (the last poll's answer
 * time; the polling interval bounds how late that can be) and the output. Throws on any other
 * terminal status.
 */
export async function runToCompletion(
    baseUrl: string,
    startPath: string,
    body: string | undefined,
    pollMs: number,
    timeoutMs: number,
): Promise<{ ms: number; output: unknown }> {
    const started = performance.now();
    const start = await fetch(`${baseUrl}${startPath}`, {
        method: 'POST',
        body,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
    });
    if (start.status !== 202) throw new Error(`${startPath} answered ${start.status}: ${await start.text()}`);
    const { id, statusQueryGetUri } = (await start.json()) as StartResponse;
    // Poll through the same origin we started on (the host may advertise localhost, which costs a DNS lookup).
    const statusUrl = new URL(new URL(statusQueryGetUri).pathname + new URL(statusQueryGetUri).search, baseUrl);
    for (;;) {
        const res = await fetch(statusUrl);
        const status = (await res.json()) as Status;
        if (status.runtimeStatus === 'Completed') return { ms: performance.now() - started, output: status.output };
        if (!['Pending', 'Running'].includes(status.runtimeStatus))
            throw new Error(`${id} ended ${status.runtimeStatus}: ${JSON.stringify(status.output)}`);
        if (performance.now() - started > timeoutMs)
            throw new Error(`${id} still ${status.runtimeStatus} after ${timeoutMs} ms`);
        await sleep(pollInterval(pollMs, performance.now() - started));
    }
}

/**
 * Polls every `pollMs`, or every 1% of the time so far when that is longer: long runs are not slowed by their own
 * polling.
 */
export function pollInterval(pollMs: number, elapsedMs: number): number {
    return Math.max(pollMs, elapsedMs / 100);
}

interface Workflow {
    path: string;
    body: string | undefined;
    expected: unknown;
}

let workflow: Workflow | undefined;

/**
 * The app's smoke workflow (app/smoke.json) through its HTTP starter: what the bench runs (hello, in this repository).
 */
function appWorkflow(): Workflow {
    if (workflow) return workflow;
    // dist/tools/ once compiled, tools/bench/ in tests: the repository is two folders up either way.
    const appDir = path.resolve(__dirname, '..', '..', 'app');
    const spec = readSmokeSpec(appDir);
    const manifest = appManifest(appDir);
    const route = starterOf(manifest)?.route;
    if (!route) throw new Error(`The app in ${appDir} has no HTTP starter whose route takes {functionName}.`);
    const url = new URL(starterUrlFor(`http://bench/${manifest.routePrefix}`, route, spec.orchestrator));
    workflow = {
        path: url.pathname,
        body: spec.input === undefined ? undefined : JSON.stringify(spec.input),
        expected: spec.expectedOutput,
    };
    return workflow;
}

/** Starts the app's smoke workflow through its HTTP starter; start → Completed in ms. Throws on a wrong output. */
export async function runHello(baseUrl: string, pollMs: number, timeoutMs = 30_000): Promise<number> {
    const { path: startPath, body, expected } = appWorkflow();
    const { ms, output } = await runToCompletion(baseUrl, startPath, body, pollMs, timeoutMs);
    if (JSON.stringify(output) !== JSON.stringify(expected))
        throw new Error(`the workflow completed with ${JSON.stringify(output)}, expected ${JSON.stringify(expected)}`);
    return ms;
}
