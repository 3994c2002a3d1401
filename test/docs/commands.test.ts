import * as fs from 'node:fs';
import * as path from 'node:path';
import { usageOf, type CommandSpec } from '../../tools/cli/args';
import { LOCAL_HOST_COMMAND, parseFlags } from '../../tools/local-host/main';
import { SMOKE_COMMAND, USAGE as SMOKE_USAGE } from '../../tools/smoke/cli';
import { DASHBOARD_COMMAND } from '../../tools/dashboard/cli';
import { BENCH_COMMAND, parseArgs as parseBenchArgs } from '../../tools/bench/cli';
import { PACKAGE_COMMAND } from '../../tools/package/cli';
import { allDocs, codeSpans, readDoc, REPO_ROOT, section, tableRows, npmInvocations } from './docs';
import { REPLAY_CHECK_COMMAND } from '../../tools/replay-check/cli';

const flagsIn = (usage: string): string[] =>
    [...new Set([...usage.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]))].sort();

const LOCAL_HOST_USAGE = LOCAL_HOST_COMMAND.usage;
/**
 * Each npm script's command: what it accepts after `--` (its parseArgs options) and its usage text (what --help
 * prints).
 */
const COMMANDS: Record<string, CommandSpec> = {
    start: LOCAL_HOST_COMMAND,
    dev: LOCAL_HOST_COMMAND,
    smoke: SMOKE_COMMAND,
    dashboard: DASHBOARD_COMMAND,
    bench: BENCH_COMMAND,
    package: PACKAGE_COMMAND,
    'replay-check': REPLAY_CHECK_COMMAND,
};
const accepted = (spec: CommandSpec | undefined): string[] =>
    spec ? ['--help', ...Object.keys(spec.options).map((name) => `--${name}`)].sort() : [];

const localHost = readDoc('docs/local-host.md');

describe('commands and flags in README.md and docs/ match the code', () => {
    it('runs only npm scripts that exist, with flags those scripts accept', () => {
        const scripts = (
            JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
                scripts: Record<string, string>;
            }
        ).scripts;
        const invocations = npmInvocations(allDocs());
        expect(invocations.length).toBeGreaterThan(20);
        const wrong: string[] = [];
        for (const { script, flags } of invocations) {
            if (!(script in scripts)) wrong.push(`npm run ${script}: no such script`);
            for (const flag of flags)
                if (!accepted(COMMANDS[script]).includes(flag))
                    wrong.push(`npm run ${script} -- ${flag}: not accepted`);
        }
        expect(wrong).toEqual([]);
    });

    it("names in each command's usage (its --help) exactly the options it accepts", () => {
        for (const spec of Object.values(COMMANDS)) expect(flagsIn(usageOf(spec))).toEqual(accepted(spec));
    });

    it("lists exactly the local host's flags, with their defaults", () => {
        const rows = tableRows(section(localHost, 'Flags'), 'flag');
        const documented = rows.map((row) => /^`(--[a-z-]+)/.exec(row[0])?.[1]);
        expect([...documented].sort()).toEqual(flagsIn(LOCAL_HOST_USAGE));

        const cwd = '/some/checkout';
        const defaults = parseFlags([], cwd);
        const defaultOf = (flag: string): string => rows[documented.indexOf(flag)][1];
        expect(codeSpans(defaultOf('--port'))).toEqual([String(defaults.port)]);
        expect(path.resolve(cwd, codeSpans(defaultOf('--app'))[0])).toBe(defaults.app);
        expect(path.resolve(cwd, codeSpans(defaultOf('--data'))[0])).toBe(defaults.data);
        expect(codeSpans(defaultOf('--host'))).toEqual([defaults.host]);
        expect(defaults).toMatchObject({ watch: false, requireSystemKey: false });
        expect(defaults.inspect).toBeUndefined();
        for (const flag of ['--watch', '--require-system-key', '--inspect']) expect(defaultOf(flag)).toMatch(/^off/);
        expect(codeSpans(defaultOf('--inspect'))).toEqual([String(parseFlags(['--inspect'], cwd).inspect)]);
    });

    it("gives the smoke test's defaults as the smoke CLI has them", () => {
        const smoke = section(readDoc('docs/ci-cd.md'), 'Smoke test');
        for (const [, flag, value] of SMOKE_USAGE.matchAll(/(--[a-z-]+) <[^>]+>.*\(default (\d+)\)/g)) {
            expect(smoke).toMatch(new RegExp(`\`${flag}\`[^()]*\\(default ${value}\\)`));
        }
    });

    it('names the launch configurations of .vscode/launch.json as they are', () => {
        const launch = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, '.vscode', 'launch.json'), 'utf8')) as {
            configurations: { name: string }[];
        };
        const breakpoints = section(localHost, 'Breakpoints');
        for (const { name } of launch.configurations)
            expect(breakpoints).toContain(`**${name.replace(/ \(npm start[^)]*\)$/, '')}**`);
    });

    it('accepts the documented bench option', () => {
        expect(readDoc('docs/benchmarks.md')).toContain('--quick');
        expect(parseBenchArgs(['--quick']).quick).toBe(true);
    });
});
