import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { HOST_CLI, REPO_ROOT } from '../support/localHost';

let holder: Server;
beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise((resolve) => holder.close(resolve)));

/** `npm start -- --port <port>`: resolves with the exit code and everything it printed. */
function startOn(port: number): Promise<{ code: number | null; output: string }> {
    const data = mkdtempSync(path.join(tmpdir(), 'durable-local-'));
    const child = spawn(
        process.execPath,
        [HOST_CLI, '--port', String(port), '--data', data, '--app', 'test/kit/fixture-app'],
        { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

describe('a port another process holds', () => {
    it('stops the host with the port in the message and the --port to use instead (not a bare EADDRINUSE)', async () => {
        const { port } = holder.address() as AddressInfo;
        const { code, output } = await startOn(port);
        expect(code).toBe(1);
        expect(output).toContain(
            `local-host: Port ${port} on 127.0.0.1 is already in use by another process. Stop it (another \`npm start\` or \`func start\`?), or use another port: npm start -- --port ${port + 1} (--port 0 takes any free port).`,
        );
        expect(output).not.toMatch(/EADDRINUSE|\n\s+at /);
        expect(output).not.toMatch(/Host listening/);
    });
});
