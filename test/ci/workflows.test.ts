import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import {
    PULUMI_VERSION_INPUT,
    WORKFLOW_DIR,
    cachedCredentialJobs,
    concurrencyOf,
    idTokenProblems,
    loadWorkflow,
    logsIntoAzure,
    pulumiCommand,
    secretLeaks,
    secretsOutsideEnvironments,
    steps,
    unpinnedPulumiCli,
    unpinnedActions,
    usesAction,
    workflowFiles,
    type Job,
    type Workflow,
} from './workflowRules';

const pipeline = loadWorkflow(path.join(WORKFLOW_DIR, 'pipeline.yml'));
const destroy = loadWorkflow(path.join(WORKFLOW_DIR, 'destroy.yml'));
const all = workflowFiles().map((file) => ({
    file: path.basename(file),
    wf: loadWorkflow(file),
    text: fs.readFileSync(file, 'utf8'),
}));

function jobRunning(wf: Workflow, command: string): [string, Job] {
    const found = Object.entries(wf.jobs).find(([, job]) => steps(job).some((s) => pulumiCommand(s) === command));
    if (!found) throw new Error(`no job runs pulumi ${command}`);
    return found;
}

describe('every workflow', () => {
    it.each(all)('$file: top-level permissions are contents: read only', ({ wf }) => {
        expect(wf.permissions).toEqual({ contents: 'read' });
    });

    it.each(all)('$file: id-token: write exactly on the jobs that log into Azure', ({ wf }) => {
        expect(idTokenProblems(wf)).toEqual([]);
    });

    it.each(all)('$file: actions pinned to a full commit SHA with its release beside it', ({ text }) => {
        expect(unpinnedActions(text)).toEqual([]);
    });

    it.each(all)('$file: no run step can print a secret', ({ wf }) => {
        expect(secretLeaks(wf)).toEqual([]);
    });

    it.each(all)('$file: Azure jobs log in with OIDC and give the provider ARM_USE_OIDC', ({ wf }) => {
        for (const job of Object.values(wf.jobs).filter(logsIntoAzure)) {
            const login = steps(job).find((s) => usesAction(s, 'azure/login'))!;
            expect(Object.keys(login.with ?? {}).sort()).toEqual(['client-id', 'subscription-id', 'tenant-id']);
            expect(job.env).toMatchObject({ ARM_USE_OIDC: 'true', ARM_CLIENT_ID: '${{ vars.AZURE_CLIENT_ID }}' });
            expect(JSON.stringify(job)).not.toMatch(/ARM_CLIENT_SECRET|creds/);
        }
    });

    it.each(all)('$file: no job that holds credentials restores a dependency cache', ({ wf }) => {
        expect(cachedCredentialJobs(wf)).toEqual([]);
    });

    it.each(all)(
        '$file: secrets are read only by jobs that name an environment (environment-scoped secrets)',
        ({ wf }) => {
            expect(secretsOutsideEnvironments(wf)).toEqual([]);
        },
    );

    it.each(all)('$file: the Pulumi CLI is the version of the SDK in package-lock.json', ({ wf }) => {
        expect(unpinnedPulumiCli(wf)).toEqual([]);
    });

    it.each(all)(
        '$file: Azure jobs name an environment and give our code AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_SUBSCRIPTION_ID',
        ({ wf }) => {
            for (const job of Object.values(wf.jobs).filter(logsIntoAzure)) {
                // So no job presents the pull_request or branch subject: each identity trusts exactly one environment.
                expect(job.environment).toBeDefined();
                expect(job.env).toMatchObject({
                    AZURE_CLIENT_ID: '${{ vars.AZURE_CLIENT_ID }}',
                    AZURE_TENANT_ID: '${{ vars.AZURE_TENANT_ID }}',
                    AZURE_SUBSCRIPTION_ID: '${{ vars.AZURE_SUBSCRIPTION_ID }}',
                });
            }
        },
    );

    it.each(all)(
        '$file: every job that runs pulumi up, destroy or preview links the recovery runbook when it fails or is cancelled',
        ({ wf }) => {
            for (const [name, job] of Object.entries(wf.jobs)) {
                const pulumi = steps(job).find((s) => ['up', 'destroy', 'preview'].includes(pulumiCommand(s) ?? ''));
                if (!pulumi) continue;
                const last = steps(job).at(-1)!;
                expect([name, pulumi.id]).toEqual([name, 'pulumi']);
                expect(last.if).toBe('failure() || cancelled()');
                expect(last.env).toEqual({ OUTCOME: '${{ steps.pulumi.outcome }}' });
                expect(last.run).toBe(
                    `node .github/scripts/recovery-summary.js "$STACK" ${String(pulumi.with?.command)} "$OUTCOME" >> "$GITHUB_STEP_SUMMARY"`,
                );
                expect(job.env?.STACK ?? wf.env?.STACK).toBeDefined();
            }
        },
    );

    it.each(all)('$file: every npm job sets up Node 22', ({ wf }) => {
        for (const job of Object.values(wf.jobs).filter((j) => steps(j).some((s) => /\bnpm\b/.test(s.run ?? '')))) {
            const setup = steps(job).find((s) => usesAction(s, 'actions/setup-node'));
            expect(setup?.with?.['node-version']).toBe(22);
        }
    });
});

describe('pipeline.yml', () => {
    it('tests on pull requests and pushes: install-script review, npm ci, npm test', () => {
        expect(Object.keys(pipeline.on).sort()).toEqual(['pull_request', 'push']);
        const runs = steps(pipeline.jobs.test)
            .map((s) => s.run)
            .filter(Boolean);
        expect(runs).toEqual(['node .github/scripts/check-install-scripts.js', 'npm ci --ignore-scripts', 'npm test']);
    });

    it('previews stack dev on same-repository pull requests only and comments the result', () => {
        const [name, job] = jobRunning(pipeline, 'preview');
        expect(job.if).toContain("github.event_name == 'pull_request'");
        expect(job.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
        const preview = steps(job).find((s) => pulumiCommand(s) === 'preview')!;
        expect(preview.with).toMatchObject({ 'stack-name': '${{ env.STACK }}', 'comment-on-pr': true });
        expect(pipeline.env?.STACK).toBe('dev');
        expect(job.permissions).toMatchObject({ 'pull-requests': 'write' });
        expect(job.needs).toBe('test');
        expect(name).not.toBe('deploy');
    });

    it('previews as the read-only identity: environment preview, no stack creation, values in the comment only when private', () => {
        const [, job] = jobRunning(pipeline, 'preview');
        expect(job.environment).toBe('preview');
        const preview = steps(job).find((s) => pulumiCommand(s) === 'preview')!;
        expect(preview.with?.upsert).toBeUndefined();
        expect(preview.with?.diff).toBe('${{ github.event.repository.private }}');
        expect(preview.with?.['pulumi-version']).toBe(PULUMI_VERSION_INPUT);
        // Only deploy and destroy run in dev, the deploying identity's environment.
        const inDev = all.flatMap(({ wf }) =>
            Object.values(wf.jobs).filter((j) => j.environment === 'dev' || j.environment === '${{ inputs.stack }}'),
        );
        expect(inDev.flatMap((j) => steps(j).map(pulumiCommand).filter(Boolean)).sort()).toEqual(['destroy', 'up']);
    });

    it('deploys on push to main only, after the tests, in a protected environment', () => {
        const [, job] = jobRunning(pipeline, 'up');
        expect(job.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
        expect(job.needs).toBe('test');
        expect(job.environment).toBe('dev');
    });

    it('holds previews and updates to the security policy pack', () => {
        for (const command of ['preview', 'up']) {
            const step = steps(jobRunning(pipeline, command)[1]).find((s) => pulumiCommand(s) === command)!;
            expect(step.with?.policyPacks).toBe('infra/policy');
        }
    });

    it("runs the app's smoke check after pulumi up, on the stack's starter outputs, the key masked and kept off the command line", () => {
        const [, job] = jobRunning(pipeline, 'up');
        const all = steps(job);
        const up = all.findIndex((s) => pulumiCommand(s) === 'up');
        const smoke = all.findIndex((s) => /npm run smoke/.test(s.run ?? ''));
        expect(smoke).toBeGreaterThan(up);
        for (const output of ['apiBaseUrl', 'starterRouteTemplate', 'starterKey --show-secrets'])
            expect(all[smoke].run).toContain(`pulumi stack output ${output}`);
        expect(all[smoke].run).toContain('echo "::add-mask::$STARTER_KEY"');
        expect(all[smoke].run).toMatch(/export API_BASE_URL STARTER_KEY\n\s*npm run smoke -- --route "\$ROUTE"/);
    });
});

describe('one stack operation at a time', () => {
    const deploy = concurrencyOf(jobRunning(pipeline, 'up')[1]);
    const destroyJob = concurrencyOf(jobRunning(destroy, 'destroy')[1]);

    it('deploy and destroy share one group per stack and never cancel a running operation', () => {
        expect(deploy).toEqual({ group: 'pulumi-stack-dev', cancelInProgress: false });
        expect(destroyJob).toEqual({ group: 'pulumi-stack-${{ inputs.stack }}', cancelInProgress: false });
        expect(destroyJob!.group.replace('${{ inputs.stack }}', 'dev')).toBe(deploy!.group);
    });

    it('the drift check queues in the same group, so it never runs during a deployment nor cancels one', () => {
        const drift = loadWorkflow(path.join(WORKFLOW_DIR, 'drift.yml'));
        expect(concurrencyOf(drift.jobs.drift)).toEqual(deploy);
    });

    it('previews use another group, so a queued preview never replaces a queued deployment', () => {
        const preview = concurrencyOf(jobRunning(pipeline, 'preview')[1]);
        expect(preview?.group).not.toBe(deploy?.group);
    });
});

describe('destroy.yml', () => {
    const dispatch = destroy.on.workflow_dispatch as {
        inputs: Record<string, { type: string; required?: boolean; options?: string[] }>;
    };

    it('runs only on workflow_dispatch, with a stack choice and a typed confirmation', () => {
        expect(Object.keys(destroy.on)).toEqual(['workflow_dispatch']);
        expect(dispatch.inputs.stack).toMatchObject({ type: 'choice', options: ['dev'] });
        expect(dispatch.inputs.confirm).toMatchObject({ type: 'string', required: true });
    });

    it('destroys only after a job that fails unless the typed name equals the stack', () => {
        const [, job] = jobRunning(destroy, 'destroy');
        const guard = destroy.jobs[String(job.needs)];
        const check = steps(guard)[0];
        expect(check.env).toEqual({ STACK: '${{ inputs.stack }}', CONFIRM: '${{ inputs.confirm }}' });
        expect(check.run).toMatch(/if \[ "\$CONFIRM" != "\$STACK" \]; then[\s\S]*exit 1/);
        expect(job.environment).toBe('${{ inputs.stack }}');
    });
});

describe('the rules catch what they guard against', () => {
    const badText = `
on: push
permissions: write-all
jobs:
  leak:
    runs-on: ubuntu-latest
    permissions: { id-token: write }
    env: { TOKEN: "\${{ secrets.PULUMI_ACCESS_TOKEN }}" }
    steps:
      - uses: actions/checkout@main
      - uses: actions/setup-node@v7
        with: { node-version: 22, cache: npm }
      - uses: hashicorp/setup-terraform@f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca
      - uses: pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d # v7
      - uses: ./.github/actions/local
      - run: echo "\${{ secrets.X }}" && echo $TOKEN
      - run: |
          URL="$(pulumi stack output starterUrl --show-secrets)"
          curl "$URL"
`;
    const bad = parse(badText) as Workflow;

    it('flags movable refs, SHAs without their release, stray id-token, secrets in scripts and unmasked --show-secrets', () => {
        expect(unpinnedActions(badText)).toEqual([
            'actions/checkout@main',
            'actions/setup-node@v7',
            'hashicorp/setup-terraform@f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca',
            'pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d # v7',
        ]);
        expect(idTokenProblems(bad)).toEqual(['leak: has id-token: write but does not log into Azure']);
        expect(cachedCredentialJobs(bad)).toEqual(['leak: actions/setup-node may restore a cache']);
        expect(secretsOutsideEnvironments(bad)).toEqual(['leak: reads secrets outside an environment']);
        expect(unpinnedPulumiCli(bad)).toEqual(['leak: pulumi/actions without pulumi-version from the lockfile']);
        expect(secretLeaks(bad)).toEqual([
            'leak step 6: ${{ secrets.* }} inside run',
            'leak step 6: uses secret env TOKEN',
            'leak step 7: URL is used before ::add-mask::',
        ]);
    });
});
