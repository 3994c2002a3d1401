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
 * Starts hello_orchestrator through the app's HTTP starter and polls its status URL every `pollMs`
 * until it is Completed. Returns start → Completed in ms (the last poll's answer time; the polling
 * interval bounds how late that can be). Throws on any other terminal status or a wrong output.
 */
export async function runHello(baseUrl: string, pollMs: number, timeoutMs = 30_000): Promise<number> {
    const started = performance.now();
    const start = await fetch(`${baseUrl}/api/orchestrators/hello_orchestrator`, { method: 'POST' });
    if (start.status !== 202) throw new Error(`starter answered ${start.status}: ${await start.text()}`);
    const { id, statusQueryGetUri } = (await start.json()) as StartResponse;
    // Poll through the same origin we started on (the host may advertise localhost, which costs a DNS lookup).
    const statusUrl = new URL(new URL(statusQueryGetUri).pathname + new URL(statusQueryGetUri).search, baseUrl);
    for (;;) {
        const res = await fetch(statusUrl);
        const status = (await res.json()) as Status;
        if (status.runtimeStatus === 'Completed') {
            const elapsed = performance.now() - started;
            if (JSON.stringify(status.output) !== JSON.stringify(HELLO_OUTPUT)) throw new Error(`${id} completed with ${JSON.stringify(status.output)}`);
            return elapsed;
        }
        if (!['Pending', 'Running'].includes(status.runtimeStatus)) throw new Error(`${id} ended ${status.runtimeStatus}: ${JSON.stringify(status.output)}`);
        if (performance.now() - started > timeoutMs) throw new Error(`${id} still ${status.runtimeStatus} after ${timeoutMs} ms`);
        await sleep(pollMs);
    }
}
