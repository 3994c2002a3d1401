import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { run, type DashboardDeps } from '../../tools/dashboard/cli';
import { FakeArm, SITE_ID } from '../deploy/fakeArm';
import { tokenForScope } from '../deploy/fakeServer';

/** `npm run dashboard`: finding the app and its key, and the errors that say what to do. No browser here. */
const SUBSCRIPTION = '00000000-0000-0000-0000-000000000001';
const KEY = 'system+key/for=the-test';
const OUTPUTS = {
    functionAppName: 'func-hello',
    resourceGroupName: 'rg-hello',
    defaultHostName: 'func-hello.azurewebsites.net',
    functionAppId: SITE_ID,
};

let arm: FakeArm | undefined;
let app: Server | undefined;
const appRequests: string[] = [];
let acceptedKey = KEY;

let last: { dashboard?: { close(): Promise<void> } } | undefined;
afterEach(async () => {
    await last?.dashboard?.close();
    await arm?.stop();
    arm = undefined;
});
afterAll(async () => {
    app?.closeAllConnections();
    await new Promise((resolve) => app?.close(resolve));
});

/**
 * A stand-in for the deployed app's Durable API: an empty list for the right key, 401 (no body) otherwise, as Azure.
 */
async function fakeApp(): Promise<string> {
    app ??= createServer((req, res) => {
        appRequests.push(req.url ?? '');
        const code = new URL(req.url ?? '/', 'http://x').searchParams.get('code');
        if (code !== acceptedKey) return void res.writeHead(401, { 'content-length': '0' }).end();
        res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    if (!app.listening) await new Promise<void>((resolve) => app!.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(app.address() as AddressInfo).port}`;
}

interface Setup {
    outputs?: Record<string, unknown>;
    pulumi?: 'missing' | { code: number; stderr: string };
    getToken?: (scope: string) => Promise<string>;
}

async function dashboard(argv: string[], script: ConstructorParameters<typeof FakeArm>[0], setup: Setup = {}) {
    await arm?.stop();
    arm = await new FakeArm(script).start();
    const out: string[] = [];
    const pulumiCalls: string[][] = [];
    const deps: DashboardDeps = {
        arm: { baseUrl: arm.baseUrl, fetch, getToken: setup.getToken ?? (async (scope) => tokenForScope(scope)) },
        runPulumi: async (args) => {
            pulumiCalls.push(args);
            if (setup.pulumi === 'missing') throw Object.assign(new Error('spawn pulumi ENOENT'), { code: 'ENOENT' });
            if (setup.pulumi) return { code: setup.pulumi.code, stdout: '', stderr: setup.pulumi.stderr };
            return { code: 0, stdout: JSON.stringify(setup.outputs ?? OUTPUTS), stderr: '' };
        },
        log: (line) => void out.push(line),
        error: (line) => void out.push(line),
    };
    const result = await run(['--port', '0', ...argv], deps);
    last = result;
    return { ...result, text: out.join('\n'), pulumiCalls, arm };
}

const site = (
    defaultHostName = 'func-hello.azurewebsites.net',
    systemKeys: Record<string, string> = { durabletask_extension: KEY },
) => ({ site: { defaultHostName, systemKeys } });

describe('npm run dashboard: finding the app and its key', () => {
    it('reads the stack outputs with the Pulumi CLI and starts on the app the key opens', async () => {
        const hostName = await fakeApp();
        const result = await dashboard(['--stack', 'dev'], site(), {
            outputs: { ...OUTPUTS, defaultHostName: hostName },
        });
        expect(result.exitCode).toBe(0);
        expect(result.pulumiCalls).toEqual([['stack', 'output', '--json', '--stack', 'dev']]);
        // The subscription came from the stack's functionAppId: no subscription listing.
        expect(result.arm.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
            `POST ${SITE_ID}/host/default/listkeys?api-version=2024-04-01`,
        ]);
        expect(appRequests.at(-1)).toBe(
            `/runtime/webhooks/durabletask/instances?top=1&code=${encodeURIComponent(KEY)}`,
        );
        expect(result.text).toContain('Dashboard for func-hello (read-only): http://127.0.0.1:');
        expect(result.text).not.toContain(KEY);
    });

    it('with --app and --resource-group: finds the only subscription, then the app and its host name through ARM', async () => {
        const hostName = await fakeApp();
        const subscriptions = [
            { subscriptionId: SUBSCRIPTION, displayName: 'Dev', state: 'Enabled' },
            { subscriptionId: 'old', displayName: 'Old', state: 'Disabled' },
        ];
        const result = await dashboard(['--app', 'func-hello', '--resource-group', 'rg-hello', '--allow-actions'], {
            ...site(hostName),
            subscriptions,
        });
        expect(result.exitCode).toBe(0);
        expect(result.pulumiCalls).toEqual([]);
        expect(result.arm.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
            'GET /subscriptions',
            `GET ${SITE_ID}`,
            `POST ${SITE_ID}/host/default/listkeys`,
        ]);
        expect(result.text).toContain('(actions allowed)');
    });

    it('reads the key again when the app refuses it (renewed), and goes on', async () => {
        const hostName = await fakeApp();
        const script = site(hostName);
        const result = await dashboard(['--stack', 'dev'], script, {
            outputs: { ...OUTPUTS, defaultHostName: hostName },
        });
        acceptedKey = script.site.systemKeys.durabletask_extension = 'renewed/key';
        try {
            const response = await fetch(new URL('../instances', result.dashboard!.url));
            expect(response.status).toBe(200);
            expect(result.arm.requests.filter((r) => r.path.includes('listkeys'))).toHaveLength(2);
        } finally {
            acceptedKey = KEY;
        }
    });

    it('asks for --subscription when the login sees several', async () => {
        const subscriptions = [
            { subscriptionId: 'a1', displayName: 'Prod' },
            { subscriptionId: SUBSCRIPTION, displayName: 'Dev' },
        ];
        const result = await dashboard(['--app', 'func-hello', '-g', 'rg-hello'], { ...site(), subscriptions });
        expect(result.exitCode).toBe(1);
        expect(result.text).toContain(
            `Your login sees 2 subscriptions: pass --subscription <id>, one of Prod (a1), Dev (${SUBSCRIPTION}).`,
        );
    });

    it('prints the Durable Task Scheduler dashboard instead for a scheduler stack, without asking ARM for keys', async () => {
        const url =
            'https://dashboard.durabletask.io/?endpoint=https%3A%2F%2Fdts.westus2.durabletask.io&taskhub=durable-hello';
        const result = await dashboard(['--stack', 'dev'], site(), {
            outputs: { ...OUTPUTS, schedulerDashboardUrl: url },
        });
        expect(result.exitCode).toBe(0);
        expect(result.text).toContain('uses the Durable Task Scheduler backend');
        expect(result.text).toContain(url);
        expect(result.arm.requests).toEqual([]);
    });
});

describe('npm run dashboard: errors that say what to do', () => {
    it('no Pulumi CLI: says so and offers --app', async () => {
        const result = await dashboard(['--stack', 'dev'], site(), { pulumi: 'missing' });
        expect(result.exitCode).toBe(1);
        expect(result.text).toContain('The Pulumi CLI (pulumi) is not on PATH');
        expect(result.text).toContain('--app <name> --resource-group <rg>');
    });

    it('the Pulumi CLI fails (no such stack): passes its reason on', async () => {
        const result = await dashboard(['--stack', 'prod'], site(), {
            pulumi: { code: 255, stderr: "error: no stack named 'prod' found" },
        });
        expect(result.exitCode).toBe(1);
        expect(result.text).toContain("`pulumi stack output --stack prod` failed: error: no stack named 'prod' found");
    });

    it('a stack that is not deployed: says to deploy it', async () => {
        const result = await dashboard(['--stack', 'dev'], site(), { outputs: {} });
        expect(result.text).toContain('deploy it first (`pulumi up --stack dev`)');
    });

    it('not signed in: says to sign in', async () => {
        const getToken = async () => {
            throw new Error(
                'DefaultAzureCredential failed to retrieve a token from the included credentials.\nAzureCliCredential: Please run az login',
            );
        };
        const result = await dashboard(['--stack', 'dev'], site(), { getToken });
        expect(result.exitCode).toBe(1);
        expect(result.text).toContain('Not signed in to Azure');
        expect(result.text).toContain('`az login`');
    });

    it('no listkeys permission: names the action and the role', async () => {
        const result = await dashboard(['--stack', 'dev'], { site: { defaultHostName: 'x', listKeysStatus: 403 } });
        expect(result.exitCode).toBe(1);
        expect(result.text).toContain('You may not read the keys of the function app');
        expect(result.text).toContain('Microsoft.Web/sites/host/listkeys/action');
        expect(result.text).toContain('Website Contributor');
    });

    it('an app that does not exist: names it and where it was looked for', async () => {
        const result = await dashboard(
            ['--app', 'func-gone', '-g', 'rg-hello', '--subscription', SUBSCRIPTION],
            site(),
        );
        expect(result.exitCode).toBe(1);
        expect(result.text).toContain(
            `No function app 'func-gone' in resource group 'rg-hello' of subscription ${SUBSCRIPTION}`,
        );
        expect(result.text).toContain('(HTTP 404): ResourceNotFound');
    });

    it('an app whose host never started the Durable extension: no key yet', async () => {
        const result = await dashboard(['--stack', 'dev'], site('x', {}));
        expect(result.text).toContain('no durabletask_extension system key yet');
    });

    it('bad usage: exit code 2 with the usage', async () => {
        for (const argv of [
            [],
            ['--app', 'a'],
            ['--stack', 'dev', '--app', 'a', '-g', 'b'],
            ['--port', 'x', '--stack', 'dev'],
            ['--what'],
        ]) {
            const result = await dashboard(argv, site());
            expect(result.exitCode).toBe(2);
            expect(result.text).toContain('usage: npm run dashboard');
        }
    });
});
