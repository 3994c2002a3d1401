const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** How long a clean stop may take before the host exits anyway (every change is on disk already). */
export const SHUTDOWN_GRACE_MS = 3000;

/**
 * On the first Ctrl-C (or SIGTERM) runs `stop` and exits 0; exits 1 with a message when `stop` fails
 * or takes longer than `graceMs` (an appTerminate hook or an entity operation that never ends).
 */
export function stopOnSignals(
    stop: () => Promise<void>,
    log: (message: string) => void,
    graceMs = SHUTDOWN_GRACE_MS,
): void {
    const onSignal = (signal: NodeJS.Signals): void => {
        // Without our listener the signal's default action is back: a second Ctrl-C ends the process at
        // once, even while the app blocks the event loop or a debugger holds it at a breakpoint.
        for (const name of STOP_SIGNALS) process.off(name, onSignal);
        log(`${signal}: shutting down (Ctrl+C again to exit at once)`);
        setTimeout(() => {
            log(`Shutdown did not finish within ${graceMs / 1000} s; exiting anyway (durable state is on disk).`);
            process.exit(1);
        }, graceMs).unref();
        stop().then(
            () => process.exit(0),
            (err: unknown) => {
                log(`Shutdown failed: ${err instanceof Error ? err.stack : String(err)}`);
                process.exit(1);
            },
        );
    };
    for (const name of STOP_SIGNALS) process.on(name, onSignal);
}

/**
 * A promise rejection nobody handles (in the app or the host) is logged and the host keeps serving;
 * Node's default would end the process and every request and orchestration in flight with it.
 */
export function logUnhandledRejections(log: (message: string) => void): void {
    process.on('unhandledRejection', (reason) => {
        log(
            `Unhandled promise rejection (the host keeps running): ${reason instanceof Error ? reason.stack : String(reason)}`,
        );
    });
}
