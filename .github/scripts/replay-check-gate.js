#!/usr/bin/env node
// The pipeline's gate before `pulumi up` on main: every in-flight orchestration of the live stack must replay on
// the new code (npm run replay-check, docs/changing-a-running-workflow.md). An instance that would break fails the
// deploy with the list and what to do, unless the repository variable REPLAY_CHECK_OVERRIDE says why (the reason is
// logged as a warning on the run). Env: STACK, REPLAY_CHECK_OVERRIDE; REPLAY_CHECK_COMMAND replaces the check
// (tests run the gate against a fake). The Pulumi CLI comes from PATH, else @pulumi/pulumi's automation API installs
// the CLI of the SDK's own version: the version pulumi-version.js pins for pulumi/actions (the same number, one
// release).
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const WHAT_TO_DO = [
    'Keep the old steps for the running instances: branch on context.df.version and raise extensions.durableTask.defaultVersion in app/host.json;',
    'or let them finish (drain) or terminate them before deploying (npm run dashboard -- --stack <stack> --allow-actions);',
    'or, knowing they will fail, set the repository variable REPLAY_CHECK_OVERRIDE to the reason and run the pipeline again.',
];

/** Decides from the check's exit code and JSON; returns the lines to print and the gate's exit code. */
function decide({ code, stdout, stderr }, override) {
    const lines = [];
    const overridden = (why) => {
        lines.push(
            `::warning title=replay check overridden::${why}; deploying anyway because REPLAY_CHECK_OVERRIDE is set: ${override}`,
        );
        return { lines, exitCode: 0 };
    };
    if (code === 2 && /has no functionAppName|no stack named|stack .* not found/i.test(stderr)) {
        lines.push('::notice title=replay check::The stack has no deployed app yet: no instance is in flight.');
        return { lines, exitCode: 0 };
    }
    let report;
    try {
        report = JSON.parse(stdout);
    } catch {
        report = undefined;
    }
    if (!report || !Array.isArray(report.instances) || (code !== 0 && code !== 1)) {
        const why = `the replay check could not run (exit ${code}): ${(stderr || stdout).trim().split('\n').slice(-3).join(' ')}`;
        if (override) return overridden(why);
        lines.push(`::error title=replay check::${why}`);
        return { lines, exitCode: 1 };
    }
    const broken = report.instances.filter((i) => i.verdict === 'breaks');
    const protectedOnes = report.instances.filter((i) => i.verdict === 'protected');
    lines.push(
        `replay check: ${report.instances.length} in-flight instance(s), ${broken.length} would break, ${protectedOnes.length} protected by versioning.`,
    );
    for (const i of protectedOnes) lines.push(`  protected: ${i.name} ${i.instanceId}: ${i.reason}`);
    if (broken.length === 0) return { lines, exitCode: 0 };
    for (const i of broken) lines.push(`::error title=would break: ${i.name} ${i.instanceId}::${i.reason}`);
    const why = `${broken.length} in-flight instance(s) would break on this deploy`;
    if (override) return overridden(why);
    lines.push(`::error title=replay check::${why}. ${WHAT_TO_DO.join(' ')}`);
    return { lines, exitCode: 1 };
}

/** The Pulumi CLI's directory: none when `pulumi` is on PATH, else the SDK-matching CLI installed once. */
async function pulumiDir() {
    if (spawnSync('pulumi', ['version'], { stdio: 'ignore' }).status === 0) return undefined;
    const { PulumiCommand } = require('@pulumi/pulumi/automation');
    const cli = await PulumiCommand.install({
        root: path.join(process.env.RUNNER_TEMP || require('node:os').tmpdir(), 'pulumi-cli'),
    });
    return path.dirname(cli.command);
}

async function main() {
    const stack = process.env.STACK;
    if (!stack) throw new Error('STACK is not set.');
    const override = (process.env.REPLAY_CHECK_OVERRIDE || '').trim();
    const env = { ...process.env };
    let command = ['npm', 'run', '--silent', 'replay-check', '--', '--stack', stack, '--json'];
    if (process.env.REPLAY_CHECK_COMMAND)
        command = [...JSON.parse(process.env.REPLAY_CHECK_COMMAND), '--stack', stack, '--json'];
    else {
        const dir = await pulumiDir();
        if (dir) env.PATH = `${dir}${path.delimiter}${env.PATH}`;
    }
    const result = spawnSync(command[0], command.slice(1), { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const { lines, exitCode } = decide(
        { code: result.status ?? 2, stdout: result.stdout ?? '', stderr: result.stderr ?? '' },
        override,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    process.exitCode = exitCode;
}

module.exports = { decide };
if (require.main === module) {
    main().catch((err) => {
        process.stdout.write(`::error title=replay check::${err.message}\n`);
        process.exitCode = 1;
    });
}
