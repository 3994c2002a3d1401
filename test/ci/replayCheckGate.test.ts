import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { WORKFLOW_DIR, loadWorkflow, steps, usesAction } from './workflowRules';

const GATE = path.join(__dirname, '../../.github/scripts/replay-check-gate.js');
const { decide } = require(GATE) as {
    decide: (
        result: { code: number; stdout: string; stderr: string },
        override: string,
    ) => { lines: string[]; exitCode: number };
};

const breaks = {
    instanceId: 'a1',
    name: 'approval',
    verdict: 'breaks',
    reason: "history schedules activity 'draft' as step 1; the new code schedules activity 'validate'",
};
const fine = { instanceId: 'a2', name: 'approval', verdict: 'compatible', notes: [] };
const report = (...instances: object[]) =>
    JSON.stringify({ ok: !instances.some((i) => (i as { verdict: string }).verdict === 'breaks'), instances });

describe('the replay check gate (.github/scripts/replay-check-gate.js)', () => {
    it('passes when nothing would break', () => {
        expect(decide({ code: 0, stdout: report(fine), stderr: '' }, '')).toEqual({
            exitCode: 0,
            lines: ['replay check: 1 in-flight instance(s), 0 would break, 0 protected by versioning.'],
        });
    });

    it('fails the deploy naming each instance that would break and what to do', () => {
        const { exitCode, lines } = decide({ code: 1, stdout: report(breaks, fine), stderr: '' }, '');
        expect(exitCode).toBe(1);
        expect(lines).toContain(`::error title=would break: approval a1::${breaks.reason}`);
        expect(lines.at(-1)).toMatch(
            /^::error title=replay check::1 in-flight instance\(s\) would break on this deploy\. .*context\.df\.version.*defaultVersion.*drain.*terminate.*REPLAY_CHECK_OVERRIDE/,
        );
    });

    it('a named override lets the deploy go on, and says so as a warning with its reason', () => {
        const { exitCode, lines } = decide(
            { code: 1, stdout: report(breaks), stderr: '' },
            'INC-42: the two test instances may fail',
        );
        expect(exitCode).toBe(0);
        expect(lines.at(-1)).toBe(
            '::warning title=replay check overridden::1 in-flight instance(s) would break on this deploy; deploying anyway because REPLAY_CHECK_OVERRIDE is set: INC-42: the two test instances may fail',
        );
    });

    it('a first deploy (no app yet) passes; a check that cannot run fails', () => {
        expect(
            decide(
                {
                    code: 2,
                    stdout: '',
                    stderr: 'replay-check: Stack dev has no functionAppName, resourceGroupName and defaultHostName outputs',
                },
                '',
            ).exitCode,
        ).toBe(0);
        const broken = decide(
            { code: 2, stdout: '', stderr: 'replay-check: You may not read the app settings (HTTP 403)' },
            '',
        );
        expect(broken).toEqual({
            exitCode: 1,
            lines: [
                '::error title=replay check::the replay check could not run (exit 2): replay-check: You may not read the app settings (HTTP 403)',
            ],
        });
    });

    it('runs the check for the stack and gates on it, as the workflow runs it (against a fake check)', () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'gate-'));
        const fake = path.join(dir, 'fake-check.js');
        writeFileSync(
            fake,
            `require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'args.json'))}, JSON.stringify(process.argv.slice(2))); process.stdout.write(${JSON.stringify(report(breaks))}); process.exit(1);`,
        );
        const env = {
            ...process.env,
            STACK: 'dev',
            REPLAY_CHECK_COMMAND: JSON.stringify([process.execPath, fake]),
            REPLAY_CHECK_OVERRIDE: '',
        };
        const run = spawnSync(process.execPath, [GATE], { env, encoding: 'utf8' });
        expect(run.status).toBe(1);
        expect(JSON.parse(readFileSync(path.join(dir, 'args.json'), 'utf8'))).toEqual(['--stack', 'dev', '--json']);
        expect(run.stdout).toContain('::error title=would break: approval a1::');
        const overridden = spawnSync(process.execPath, [GATE], {
            env: { ...env, REPLAY_CHECK_OVERRIDE: 'drained by hand' },
            encoding: 'utf8',
        });
        expect(overridden.status).toBe(0);
        expect(overridden.stdout).toContain('REPLAY_CHECK_OVERRIDE is set: drained by hand');
    });
});

describe('pipeline.yml runs the gate before deploying main', () => {
    const deploy = loadWorkflow(path.join(WORKFLOW_DIR, 'pipeline.yml')).jobs.deploy;
    const all = steps(deploy);
    const gate = all.findIndex((s) => s.run === 'node .github/scripts/replay-check-gate.js');

    it('after the Azure login, before pulumi up', () => {
        expect(gate).toBeGreaterThan(all.findIndex((s) => usesAction(s, 'azure/login')));
        expect(gate).toBeLessThan(all.findIndex((s) => usesAction(s, 'pulumi/actions') && s.with?.command === 'up'));
    });

    it('takes the override from a repository variable (visible, logged), never a secret', () => {
        expect(all[gate].env).toEqual({
            PULUMI_BACKEND_URL: '${{ vars.PULUMI_BACKEND_URL }}',
            REPLAY_CHECK_OVERRIDE: '${{ vars.REPLAY_CHECK_OVERRIDE }}',
        });
    });
});
