import * as path from 'node:path';
import { HANG_MS, httpJson, pollStatus, startLocalHost, type LocalHost } from '../support/localHost';

const STUCK_APP = path.join(__dirname, '../apps/stuck');

interface Exit {
    code: number | null;
    signal: NodeJS.Signals | null;
}

/** How the process ended; `{ running: true }` when it is still up after `limitMs` (it must stop at all). */
function exited(host: LocalHost, limitMs = 8000): Promise<Exit | { running: true }> {
    const child = host.process;
    const exit = (): Exit => ({ code: child.exitCode, signal: child.signalCode });
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(exit());
    return new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ running: true }), limitMs);
        child.once('exit', () => {
            clearTimeout(timer);
            resolve(exit());
        });
    });
}

async function waitForOutput(host: LocalHost, pattern: RegExp): Promise<void> {
    const deadline = Date.now() + HANG_MS;
    while (!pattern.test(host.output())) {
        if (Date.now() > deadline) throw new Error(`host never printed ${pattern}:\n${host.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

describe('host process', () => {
    it('a promise rejection nobody handles ends the worker (as in Azure), not the host; Ctrl-C stops it at once while an activity never finishes', async () => {
        const host = await startLocalHost({ app: STUCK_APP });
        try {
            const leak = await httpJson('POST', `${host.url}/api/leakRejection`);
            expect(leak).toMatchObject({ status: 200, text: 'answered' });
            await waitForOutput(
                host,
                /Worker uncaught exception \(after function 'leakRejection' ran\): Error: a rejection nobody handles/,
            );
            await waitForOutput(host, /Worker process restarted/);

            const api = `${host.url}/runtime/webhooks/durabletask`;
            const started = await httpJson('POST', `${api}/orchestrators/waitsForever/stuck-1`);
            expect(started.status).toBe(202);
            await pollStatus(`${api}/instances/stuck-1?showHistory=true`, {
                until: (s) => (s.historyEvents ?? []).some((e) => e.EventType === 'TaskScheduled'),
            });

            const ended = exited(host);
            host.process.kill('SIGINT');
            // Exit code 0 is the clean path (the forced one after the grace period exits 1).
            const exit = await ended;
            expect(exit).toMatchObject({ code: 0, signal: null });
            expect(host.output()).not.toMatch(/exiting anyway/);
        } finally {
            await host.kill9();
        }
        const again = await startLocalHost({ app: STUCK_APP, data: host.data });
        try {
            expect(again.output()).toMatch(/Resumed 1 unfinished instance/);
        } finally {
            await again.kill9();
        }
    });

    it('an appTerminate hook that never ends: a second Ctrl-C exits at once, one Ctrl-C alone exits after the grace period', async () => {
        const [twice, once] = await Promise.all(
            [0, 1].map(() => startLocalHost({ app: STUCK_APP, env: { STUCK_ON_TERMINATE: '1' } })),
        );
        try {
            const onceEnded = exited(once);
            once.process.kill('SIGINT');
            twice.process.kill('SIGINT');
            await waitForOutput(twice, /SIGINT: shutting down/);
            const twiceEnded = exited(twice);
            twice.process.kill('SIGINT');
            const second = await twiceEnded;
            // Killed by the signal itself: the host no longer catches it, so nothing waits.
            expect(second).toMatchObject({ code: null, signal: 'SIGINT' });

            const forced = await onceEnded;
            expect(forced).toMatchObject({ code: 1, signal: null });
            expect(once.output()).toMatch(/Shutdown did not finish within 3 s; exiting anyway/);
        } finally {
            await Promise.all([twice.kill9(), once.kill9()]);
        }
    });
});
