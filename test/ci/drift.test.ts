import * as path from 'node:path';
import { parse } from 'yaml';
import { WORKFLOW_DIR, loadWorkflow, pulumiCommandsOf, steps, type Job } from './workflowRules';

interface Digest {
    steps?: {
        op: string;
        urn: string;
        diffReasons?: string[];
        detailedDiff?: Record<string, unknown>;
        oldState?: unknown;
        newState?: unknown;
    }[];
    changeSummary?: Record<string, number>;
}
const { classify, driftReport, splitUrn } = require('../../.github/scripts/drift-summary.js') as {
    classify: (json: string, exitCode: number) => { status: 'drift' | 'clean' | 'error' };
    driftReport: (digest: Digest, ctx: { stack: string; runUrl: string }) => string;
    splitUrn: (urn: string) => { type: string; name: string };
};

const drift = loadWorkflow(path.join(WORKFLOW_DIR, 'drift.yml'));
const job = drift.jobs.drift;
const scripts = steps(job)
    .map((s) => s.run ?? '')
    .join('\n');

/** What a job may run against a stack without ever changing it (or its state). */
const READ_ONLY_PULUMI = ['login', 'preview'];

describe('drift.yml', () => {
    it('runs daily on a schedule and on demand, only from main', () => {
        expect(Object.keys(drift.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
        const crons = (drift.on.schedule as { cron: string }[]).map((s) => s.cron.split(' '));
        expect(crons).toHaveLength(1);
        const [minute, hour, ...rest] = crons[0];
        expect([Number.isInteger(Number(minute)), Number.isInteger(Number(hour)), rest]).toEqual([
            true,
            true,
            ['*', '*', '*'],
        ]);
        expect(job.if).toBe("github.ref == 'refs/heads/main' && needs.stack-idle.outputs.busy == 'false'");
    });

    it('starts only when no pipeline or destroy run is unfinished, so it never cancels a waiting deployment', () => {
        const idle = drift.jobs['stack-idle'];
        expect(job.needs).toBe('stack-idle');
        expect(idle.permissions).toEqual({ actions: 'read' });
        expect(idle.concurrency).toBeUndefined();
        const script = steps(idle)
            .map((s) => s.run ?? '')
            .join('\n');
        expect(script).toMatch(/for workflow in pipeline\.yml destroy\.yml/);
        expect(script).toMatch(/gh run list --workflow "\$workflow" .*select\(\.status != "completed"\)/);
        expect(script).toMatch(/busy=true[\s\S]*busy=false/);
    });

    it("has the preview job's rights plus issues, and nothing else", () => {
        expect(drift.permissions).toEqual({ contents: 'read' });
        expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write', issues: 'write' });
        // The read-only identity's environment (no reviewers there, or every daily check would wait for one).
        expect(job.environment).toBe('preview');
    });

    it('never deploys: the only Pulumi commands are login and preview', () => {
        const commands = pulumiCommandsOf(job);
        expect(commands).toContain('preview');
        expect(commands.filter((c) => !READ_ONLY_PULUMI.includes(c))).toEqual([]);
        expect(
            steps(job)
                .filter((s) => s.uses?.startsWith('pulumi/actions@'))
                .map((s) => s.with?.command),
        ).toEqual([undefined]);
        expect(scripts).not.toMatch(/--show-secrets|--yes|--skip-preview/);
    });

    it('previews stack dev after a refresh and fails on any change', () => {
        const preview = steps(job).find((s) => /pulumi preview/.test(s.run ?? ''))!;
        expect(preview.run).toMatch(/pulumi preview --stack "\$STACK" --refresh --expect-no-changes .*--json/);
        expect(job.env?.STACK).toBe('dev');
    });

    it('opens or updates one issue on drift, closes it when clean, and fails the run on drift or error', () => {
        const issueStep = steps(job).find((s) => /gh issue/.test(s.run ?? ''))!;
        expect(issueStep.env).toMatchObject({
            GH_TOKEN: '${{ github.token }}',
            VERDICT: '${{ steps.verdict.outputs.verdict }}',
        });
        const branch = (verdict: string) =>
            new RegExp(`\\n\\s*${verdict}\\)([\\s\\S]*?);;`).exec(issueStep.run ?? '')?.[1] ?? '';
        expect(branch('drift')).toMatch(
            /gh issue edit "\$issue" --body-file[\s\S]*gh issue create --title "\$TITLE" --body-file[\s\S]*exit 1/,
        );
        expect(branch('clean')).toMatch(/gh issue close "\$issue"/);
        expect(branch('clean')).not.toMatch(/exit 1/);
        expect(branch('\\*')).toMatch(/exit 1/);
        expect(branch('\\*')).not.toMatch(/gh issue/);
    });

    it('the read-only rule catches a job that would change the stack', () => {
        const bad = parse(`
steps:
  - uses: pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d # v7.0.0
    with: { command: up }
  - run: pulumi --non-interactive refresh --yes && pulumi stack output x
`) as Job;
        expect(pulumiCommandsOf(bad).filter((c) => !READ_ONLY_PULUMI.includes(c))).toEqual(['up', 'refresh', 'stack']);
    });
});

const URN = 'urn:pulumi:dev::durable-hello::azure-native:web:WebApp::func-hello';
const digest = (changeSummary: Record<string, number>, stepsIn: Digest['steps'] = []): string =>
    JSON.stringify({ changeSummary, steps: stepsIn });

describe('drift-summary.js: the verdict', () => {
    it('drift when the preview proposes a change, whatever the exit code', () => {
        expect(classify(digest({ same: 9, update: 1 }), 255).status).toBe('drift');
        expect(classify(digest({ delete: 1 }), 0).status).toBe('drift');
    });

    it('clean only when nothing changes and the preview succeeded; refresh and read steps are not changes', () => {
        expect(classify(digest({ same: 10, refresh: 10, read: 1 }), 0).status).toBe('clean');
        expect(classify(digest({ same: 10 }), 255).status).toBe('error');
    });

    it('error when the preview wrote no JSON (login failed, program crashed)', () => {
        expect(classify('', 255).status).toBe('error');
        expect(classify('error: failed to log in', 255).status).toBe('error');
    });
});

describe('drift-summary.js: the issue body', () => {
    const changed = {
        same: 8,
        update: 1,
        replace: 1,
    };
    const stepsIn = [
        { op: 'same', urn: 'urn:pulumi:dev::durable-hello::azure-native:resources:ResourceGroup::rg' },
        {
            op: 'update',
            urn: URN,
            diffReasons: ['siteConfig'],
            detailedDiff: { 'siteConfig.minTlsVersion': { kind: 'update' }, httpsOnly: { kind: 'update' } },
            oldState: {
                inputs: { siteConfig: { minTlsVersion: '1.0' }, httpsOnly: false, storageKey: 'AccountKey=c2VjcmV0' },
            },
            newState: { inputs: { siteConfig: { minTlsVersion: '1.2' }, httpsOnly: true } },
        },
        {
            op: 'replace',
            urn: 'urn:pulumi:dev::durable-hello::my:app:Component$azure-native:storage:StorageAccount::st|x',
            replaceReasons: ['kind'],
        },
    ];
    const report = driftReport(JSON.parse(digest(changed, stepsIn)) as Digest, {
        stack: 'dev',
        runUrl: 'https://github.com/o/r/actions/runs/1',
    });

    it('names each changed resource, its operation and the property paths that differ', () => {
        expect(report).toContain('1 update, 1 replace');
        expect(report).toContain(
            '| update | `azure-native:web:WebApp` | func-hello | `httpsOnly`, `siteConfig.minTlsVersion` |',
        );
        expect(report).toContain('| replace | `azure-native:storage:StorageAccount` | st\\|x | `kind` |');
        expect(report).not.toContain('ResourceGroup');
        expect(report).toContain('https://github.com/o/r/actions/runs/1');
    });

    it('carries no value from the state, old or new', () => {
        for (const value of ['AccountKey', 'c2VjcmV0', '1.0', '1.2', 'false', 'true'])
            expect(report).not.toContain(value);
    });

    it('lists at most 50 resources and says how many more the log has', () => {
        const many = Array.from({ length: 53 }, (_, i) => ({ op: 'delete', urn: `${URN}${i}` }));
        const long = driftReport({ changeSummary: { delete: 53 }, steps: many }, { stack: 'dev', runUrl: 'u' });
        expect(long.split('\n').filter((l) => l.startsWith('| delete |'))).toHaveLength(50);
        expect(long).toContain('3 more in the run log.');
    });

    it('lists at most 10 property paths per resource', () => {
        const detailedDiff = Object.fromEntries(
            Array.from({ length: 12 }, (_, i) => [`tags.t${String(i).padStart(2, '0')}`, { kind: 'update' }]),
        );
        const row = driftReport(
            { changeSummary: { update: 1 }, steps: [{ op: 'update', urn: URN, detailedDiff }] },
            { stack: 'dev', runUrl: 'u' },
        )
            .split('\n')
            .find((l) => l.startsWith('| update |'));
        expect(row).toContain('`tags.t09`, 2 more |');
        expect(row).not.toContain('tags.t10');
    });

    it('reads type and name from URNs with parents and names that contain ::', () => {
        expect(splitUrn('urn:pulumi:dev::p::a:b:C$d:e:F::name::with::colons')).toEqual({
            type: 'd:e:F',
            name: 'name::with::colons',
        });
    });
});
