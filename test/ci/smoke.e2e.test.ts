import * as path from 'node:path';
import { main } from '../../tools/smoke/cli';
import { startLocalHost, type LocalHost } from '../support/localHost';

// `npm run smoke` against the real local host (`npm start`): the product's hello app, and a test app
// whose hello_orchestrator forgets London.
const WRONG_OUTPUT_APP = path.join(__dirname, '..', 'apps', 'smoke-wrong-output');
const STARTER = '/api/orchestrators/hello_orchestrator';

let hello: LocalHost;
let wrong: LocalHost;
beforeAll(async () => {
    [hello, wrong] = await Promise.all([startLocalHost(), startLocalHost({ app: WRONG_OUTPUT_APP })]);
});
/** Ctrl-C, then kill -9 if the host is still up after 5 s: a stuck host must not hang the suite. */
async function shutDown(host: LocalHost | undefined): Promise<void> {
    if (!host) return;
    const stopped = await Promise.race([host.stop().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 5000).unref())]);
    if (!stopped) await host.kill9();
}
afterAll(async () => {
    await Promise.all([shutDown(hello), shutDown(wrong)]);
});

async function smoke(url: string): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
    try {
        const code = await main([url, '--interval', '0.1', '--timeout', '20'], { log: (line) => out.push(line) });
        return { code, out: out.join('\n'), err: err.join('\n') };
    } finally {
        spy.mockRestore();
    }
}

describe('npm run smoke against the local host', () => {
    it('passes on the hello app', async () => {
        const r = await smoke(hello.url + STARTER);
        expect(r.err).toBe('');
        expect(r.code).toBe(0);
        expect(r.out).toMatch(/smoke: passed: instance \S+ completed with \["Hello Seattle","Hello Tokyo","Hello London"\]/);
    });

    it('fails with the last status JSON when the output differs', async () => {
        const r = await smoke(wrong.url + STARTER);
        expect(r.code).toBe(1);
        expect(r.err).toContain('completed with ["Hello Seattle","Hello Tokyo"], expected ["Hello Seattle","Hello Tokyo","Hello London"]');
        expect(r.err).toMatch(/last status \(HTTP 200\): \{[\s\S]*"name": "hello_orchestrator"[\s\S]*"runtimeStatus": "Completed"/);
    });

    it('fails with the HTTP status and body when the URL answers 404', async () => {
        const unknown = await smoke(`${hello.url}/api/orchestrators/hello_orchestrater`);
        expect(unknown.code).toBe(1);
        expect(unknown.err).toContain('answered HTTP 404, expected 202');
        expect(unknown.err).toContain("No orchestrator named 'hello_orchestrater'");
        const noRoute = await smoke(`${hello.url}/api/no-such-function`);
        expect(noRoute.code).toBe(1);
        expect(noRoute.err).toContain('answered HTTP 404, expected 202');
    });
});
