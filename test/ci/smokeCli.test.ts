import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

const RUN = path.join(__dirname, '..', '..', 'tools', 'smoke', 'run.js');

/** A stand-in Durable host on 127.0.0.1: one starter, one instance that completes on the second poll. */
function fakeHost(output: unknown): Promise<{ base: string; server: Server }> {
    let polls = 0;
    const server = createServer((req, res) => {
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
            res.writeHead(status, { 'content-type': 'application/json', ...headers });
            res.end(JSON.stringify(body));
        };
        if (req.method === 'POST' && req.url === '/api/orchestrators/hello_orchestrator?code=START-KEY') {
            json(202, { id: 'i1', statusQueryGetUri: `${base}/status/i1?code=SYSTEM-KEY` }, { 'retry-after': '0' });
        } else if (req.method === 'GET' && req.url === '/status/i1?code=SYSTEM-KEY') {
            polls++;
            if (polls < 2) json(202, { runtimeStatus: 'Running' }, { 'retry-after': '0' });
            else json(200, { runtimeStatus: 'Completed', output });
        } else {
            json(404, { error: `no route ${req.method} ${req.url}` });
        }
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

function smoke(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile(process.execPath, [RUN, ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
            resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
        });
    });
}

describe('npm run smoke (CLI, fake host on 127.0.0.1)', () => {
    let server: Server | undefined;
    afterEach(() => server?.close());

    it('exits 0 on the hello output and never prints the keys', async () => {
        const host = await fakeHost(['Hello Seattle', 'Hello Tokyo', 'Hello London']);
        server = host.server;
        const r = await smoke([`${host.base}/api/orchestrators/hello_orchestrator?code=START-KEY`, '--interval', '0.05']);
        expect(r).toMatchObject({ code: 0 });
        expect(r.stdout).toContain('smoke: passed: instance i1 completed with ["Hello Seattle","Hello Tokyo","Hello London"]');
        expect(r.stdout + r.stderr).not.toMatch(/START-KEY|SYSTEM-KEY/);
    });

    it('exits 1 with the last status when the output differs, and 2 on bad usage', async () => {
        const host = await fakeHost(['Bonjour']);
        server = host.server;
        const wrong = await smoke([`${host.base}/api/orchestrators/hello_orchestrator?code=START-KEY`, '--interval=0.05']);
        expect(wrong.code).toBe(1);
        expect(wrong.stderr).toContain('smoke: FAILED: instance i1 completed with ["Bonjour"]');
        expect(wrong.stderr).toContain('"runtimeStatus": "Completed"');
        const usage = await smoke(['--timeout', '5']);
        expect(usage.code).toBe(2);
        expect(usage.stderr).toContain('the starter URL is missing');
        expect(usage.stderr).toContain('usage: npm run smoke -- <starterUrl>');
    });
});
