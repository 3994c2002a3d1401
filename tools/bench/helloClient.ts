import { setTimeout as sleep } from 'node:timers/promises';

export const HELLO_OUTPUT = ['Hello Seattle', 'Hello Tokyo', 'Hello London'];

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
export async function runToCompletion(baseUrl: string, startPath: string, body: string | undefined, pollMs: number, timeoutMs: number): Promise<{ ms: number; output: unknown }> {
    const started = performance.now();
    const start = await fetch(`${baseUrl}${startPath}`, { method: 'POST', body, headers: body === undefined ? {} : { 'content-type': 'application/json' } });
    if (start.status !== 202) throw new Error(`${startPath} answered ${start.status}: ${await start.text()}`);
    const { id, statusQueryGetUri } = (await start.json()) as StartResponse;
    // Poll through the same origin we started on (the host may advertise localhost, which costs a DNS lookup).
    const statusUrl = new URL(new URL(statusQueryGetUri).pathname + new URL(statusQueryGetUri).search, baseUrl);
    for (;;) {
        const res = await fetch(statusUrl);
        const status = (await res.json()) as Status;
        if (status.runtimeStatus === 'Completed') return { ms: performance.now() - started, output: status.output };
        if (!['Pending', 'Running'].includes(status.runtimeStatus)) throw new Error(`${id} ended ${status.runtimeStatus}: ${JSON.stringify(status.output)}`);
        if (performance.now() - started > timeoutMs) throw new Error(`${id} still ${status.runtimeStatus} after ${timeoutMs} ms`);
        await sleep(pollInterval(pollMs, performance.now() - started));
    }
}

/** Polls every `pollMs`, or every 1% of the time so far when that is longer: long runs are not slowed by their own polling. */
export function pollInterval(pollMs: number, elapsedMs: number): number {
    return Math.max(pollMs, elapsedMs / 100);
}

/** Starts hello_orchestrator through the app's HTTP starter; start → Completed in ms. Throws on a wrong output. */
export async function runHello(baseUrl: string, pollMs: number, timeoutMs = 30_000): Promise<number> {
    const { ms, output } = await runToCompletion(baseUrl, '/api/orchestrators/hello_orchestrator', undefined, pollMs, timeoutMs);
    if (JSON.stringify(output) !== JSON.stringify(HELLO_OUTPUT)) throw new Error(`hello completed with ${JSON.stringify(output)}`);
    return ms;
}
