import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { HANG_MS } from '../support/localHost';

const RUN = path.join(__dirname, '..', '..', 'tools', 'smoke', 'run.js');
/** The machinery's fixture app: its smoke.json starts processOrder with an order. */
const WORKFLOW_APP = path.join(__dirname, '..', 'apps', 'workflow');

/** A stand-in Durable host on 127.0.0.1: the fixture app's starter, one instance that completes on the second poll. */
function fakeHost(output: unknown): Promise<{ base: string; server: Server }> {
    let polls = 0;
    const server = createServer(async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
            res.writeHead(status, { 'content-type': 'application/json', ...headers });
            res.end(JSON.stringify(body));
        };
        if (
            req.method === 'POST' &&
            req.url === '/v1/workflows/processOrder?code=START-KEY' &&
            Buffer.concat(chunks).toString() === '{"id":"o-1","items":2}'
        ) {
            json(202, { id: 'i1', statusQueryGetUri: `${base}/status/i1?code=SYSTEM-KEY` }, { 'retry-after': '0' });
        } else if (req.method === 'GET' && req.url === '/status/i1?code=SYSTEM-KEY') {
            polls++;
            if (polls < 2) json(202, { runtimeStatus: 'Running' }, { 'retry-after': '0' });
            else json(200, { runtimeStatus: 'Completed', output });
        } else {
            json(404, { error: `no route ${req.method} ${req.url}` });
        }
    });
    return new Promise((resolve) =>
        server.listen(0, '127.0.0.1', () =>
            resolve({ base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
        ),
    );
}

function smoke(
    args: string[],
    env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            [RUN, ...args],
            { timeout: HANG_MS, env: { ...process.env, ...env } },
            (err, stdout, stderr) => {
                resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
            },
        );
    });
}

describe('npm run smoke (CLI, fake host on 127.0.0.1)', () => {
    let server: Server | undefined;
    afterEach(() => server?.close());

    const expected = { reservation: { reserved: 2, id: 'o-1' }, receipt: 'charged o-1' };

    it("exits 0 on the output the app's smoke.json expects, with the key from STARTER_KEY, and never prints the keys", async () => {
        const host = await fakeHost(expected);
        server = host.server;
        const r = await smoke([`${host.base}/v1`, '--app', WORKFLOW_APP, '--interval', '0.05'], {
            STARTER_KEY: 'START-KEY',
        });
        expect(r).toMatchObject({ code: 0 });
        expect(r.stdout).toContain(`smoke: passed: instance i1 completed with ${JSON.stringify(expected)}`);
        expect(r.stdout + r.stderr).not.toMatch(/START-KEY|SYSTEM-KEY/);
    });

    it('exits 1 with the last status when the output differs, and 2 on bad usage', async () => {
        const host = await fakeHost(['Bonjour']);
        server = host.server;
        const wrong = await smoke([`${host.base}/v1`, `--app=${WORKFLOW_APP}`, '--interval=0.05'], {
            STARTER_KEY: 'START-KEY',
        });
        expect(wrong.code).toBe(1);
        expect(wrong.stderr).toContain('smoke: FAILED: instance i1 completed with ["Bonjour"]');
        expect(wrong.stderr).toContain('"runtimeStatus": "Completed"');
        const usage = await smoke(['--timeout', '5']);
        expect(usage.code).toBe(2);
        expect(usage.stderr).toContain('the API base URL is missing');
        expect(usage.stderr).toContain('usage: npm run smoke -- <apiBaseUrl>');
    });
});
