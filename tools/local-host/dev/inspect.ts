import * as inspector from 'node:inspector';

export const DEFAULT_INSPECTOR_PORT = 9229;

/**
 * Opens the Node inspector in this process (the host runs the app in-process, as the worker does),
 * on loopback only. When a debugger already opened it (VS Code launching `npm start` attaches through
 * its bootloader), that session is kept.
 */
export function openInspector(port: number): string {
    const existing = inspector.url();
    if (existing) return existing;
    inspector.open(port, '127.0.0.1', false);
    const url = inspector.url();
    if (!url) throw new Error(`Could not open the Node inspector on 127.0.0.1:${port} (is another debugger using it?). Use --inspect=<another port>, or --inspect=0 for any free port.`);
    return url;
}
