import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { boundedLog, LOG_LINES, runDeployment, type DeploymentInputs } from '../../infra/deployment/provider';
import { ALL_FUNCTIONS, FakeArm, SITE_ID } from './fakeArm';
import { DEPLOYMENT_ID, FAILURE_DETAIL, FakeScm, virtualClock, type FakeScmScript } from './fakeScm';
import { tokenForScope } from './fakeServer';

const ZIP = Buffer.from('PK zip bytes of the package');

let tmp: string;
let scm: FakeScm | undefined;
let arm: FakeArm | undefined;
beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'run-deployment-'));
    fs.writeFileSync(path.join(tmp, 'app.zip'), ZIP);
});
afterEach(async () => {
    await scm?.stop();
    await arm?.stop();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function deployTo(script: FakeScmScript) {
    scm = await new FakeScm(script).start();
    arm = await new FakeArm().start();
    const inputs: DeploymentInputs = {
        appName: 'func-hello',
        scmHost: 'func-hello.scm.azurewebsites.net',
        deploymentContainerUrl: 'https://sthello1234.blob.core.windows.net/app-package',
        packagePath: path.join(tmp, 'app.zip'),
        packageSha256: createHash('sha256').update(ZIP).digest('hex'),
        siteId: SITE_ID,
        expectedFunctions: ALL_FUNCTIONS,
    };
    const shown: string[] = [];
    const tokens: string[] = [];
    const time = virtualClock();
    const outputs = await runDeployment(inputs, {
        scmBaseUrl: scm.baseUrl,
        armBaseUrl: arm.baseUrl,
        getToken: async (scope) => {
            tokens.push(tokenForScope(scope));
            return tokens[tokens.length - 1];
        },
        show: (m) => shown.push(m),
        sleep: time.sleep,
        now: time.now,
    });
    return { outputs, shown, tokens };
}

describe('the deployment outputs and progress (provider create/update against a fake SCM site and ARM)', () => {
    it('returns the deployment id, its status, the listed functions and its log, retries included, and shows each message as it happens', async () => {
        const { outputs, shown, tokens } = await deployTo({ publishFailures: [403] });
        expect(outputs).toMatchObject({ deploymentId: DEPLOYMENT_ID, status: 'success', functions: ALL_FUNCTIONS });
        expect(outputs.log).toMatch(
            /^One Deploy attempt 1 failed \(HTTP 403 \(role assignment not propagated yet\?\) Forbidden\); retrying in 2000 ms\nOne Deploy accepted the package \(HTTP 202, token for https:\/\/appservice\.azure\.com\/\.default\) after 2 attempt\(s\).*\nDeployment 5d7ec4e7-\S+ succeeded: Deployment successful\.\nThe host lists the deployed functions: processOrder, reserveStock, startWorkflow$/s,
        );
        expect(shown.join('\n')).toBe(outputs.log);
        for (const token of tokens) expect(JSON.stringify(outputs)).not.toContain(token);
    });

    it('reports a partial success with the Kudu log and its details, in the outputs and on screen', async () => {
        const { outputs, shown } = await deployTo({ outcome: 'partialSuccess' });
        expect(outputs).toMatchObject({ deploymentId: DEPLOYMENT_ID, status: 'partialSuccess' });
        expect(outputs.log).toContain(`partly succeeded (Kudu status 6 'Partially succeeded.')`);
        expect(outputs.log).toContain(FAILURE_DETAIL);
        expect(shown.join('\n')).toContain(FAILURE_DETAIL);
    });
});

describe('boundedLog', () => {
    it(`keeps the last ${LOG_LINES} lines and says how many it left out`, () => {
        const lines = boundedLog(
            Array.from({ length: 120 }, (_, i) => `line ${i + 1}`),
            [],
        ).split('\n');
        expect(lines).toHaveLength(LOG_LINES);
        expect(lines[0]).toBe('(71 earlier lines left out)');
        expect(lines.at(-1)).toBe('line 120');
        expect(boundedLog(['a', 'b\nc'], [])).toBe('a\nb\nc');
    });

    it('replaces every token the deployment used and cuts very long lines', () => {
        const token = tokenForScope('https://appservice.azure.com/.default');
        expect(boundedLog([`echo: Bearer ${token} and ${token}`], [token, ''])).toBe(
            'echo: Bearer [token] and [token]',
        );
        expect(boundedLog(['x'.repeat(5_000)], [])).toHaveLength(1_001);
    });
});
