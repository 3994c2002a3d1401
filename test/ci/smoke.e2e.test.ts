import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appManifest } from '../../infra/package';
import { starterOf } from '../../infra/package/manifest';
import { main } from '../../tools/smoke/cli';
import { readSmokeSpec } from '../../tools/smoke/spec';
import { startLocalHost, type LocalHost } from '../support/localHost';

// `npm run smoke` against the real local host (`npm start`): this repository's app with its own smoke
// check (app/smoke.json), whatever the app is, and a test app that stops one step short of its smoke.json.
const WRONG_OUTPUT_APP = path.join(__dirname, '..', 'apps', 'smoke-wrong-output');
const manifest = appManifest(path.join(__dirname, '..', '..', 'app'));
const spec = readSmokeSpec(path.join(__dirname, '..', '..', 'app'));

let app: LocalHost;
let wrong: LocalHost;
beforeAll(async () => {
    [app, wrong] = await Promise.all([startLocalHost(), startLocalHost({ app: WRONG_OUTPUT_APP })]);
});
/** Ctrl-C, then kill -9 if the host is still up after 5 s: a stuck host must not hang the suite. */
async function shutDown(host: LocalHost | undefined): Promise<void> {
    if (!host) return;
    const stopped = await Promise.race([
        host.stop().then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), 5000).unref()),
    ]);
    if (!stopped) await host.kill9();
}
afterAll(async () => {
    await Promise.all([shutDown(app), shutDown(wrong)]);
});

async function smoke(url: string, ...extra: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
    try {
        const code = await main([url, '--interval', '0.1', '--timeout', '20', ...extra], {
            log: (line) => out.push(line),
        });
        return { code, out: out.join('\n'), err: err.join('\n') };
    } finally {
        spy.mockRestore();
    }
}

describe('npm run smoke against the local host', () => {
    const api = (host: LocalHost) => `${host.url}/${manifest.routePrefix}`;

    it("passes on this repository's app: its smoke.json orchestration completes with the output it expects", async () => {
        const r = await smoke(api(app));
        expect(r.err).toBe('');
        expect(r.code).toBe(0);
        expect(r.out).toContain(`completed with ${JSON.stringify(spec.expectedOutput)}`);
    });

    it('fails with the last status JSON when the output differs', async () => {
        const r = await smoke(`${wrong.url}/api`, '--app', WRONG_OUTPUT_APP, '--route', 'start/{functionName}');
        expect(r.code).toBe(1);
        expect(r.err).toContain('completed with [{"step":3},{"step":2}], expected [{"step":3},{"step":2},{"step":1}]');
        expect(r.err).toMatch(
            /last status \(HTTP 200\): \{[\s\S]*"name": "countdown"[\s\S]*"runtimeStatus": "Completed"/,
        );
    });

    it('fails with the HTTP status and body when the starter answers 404: an orchestrator the app lacks, or a wrong route', async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoke-typo-'));
        try {
            fs.writeFileSync(
                path.join(dir, 'smoke.json'),
                JSON.stringify({ orchestrator: `${spec.orchestrator}_typo`, expectedOutput: null }),
            );
            const unknown = await smoke(api(app), '--app', dir, '--route', starterOf(manifest)!.route!);
            expect(unknown.code).toBe(1);
            expect(unknown.err).toContain('answered HTTP 404, expected 202');
            expect(unknown.err).toContain(
                `No orchestrator named '${spec.orchestrator}_typo'. Use one of: ${manifest.orchestrators.join(', ')}.`,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        const noRoute = await smoke(api(app), '--route', 'no-such-function/{functionName}');
        expect(noRoute.code).toBe(1);
        expect(noRoute.err).toContain('answered HTTP 404, expected 202');
    });
});
