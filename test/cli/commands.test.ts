import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseCommandArgs, readArgs, UsageError, type CommandSpec } from '../../tools/cli/args';
import { parseFlags } from '../../tools/local-host/main';
import { HANG_MS } from '../support/localHost';

/**
 * Every command reads its arguments one way (tools/cli/args.ts): `--help` prints its usage on stdout and
 * exits 0; an unknown option or a bad value prints the error and the usage on stderr and exits 2. Each is
 * spawned as its npm script runs it (package.json "scripts").
 */
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SCRIPTS: Record<string, { launcher: string; usage: string; badValue: string[]; badMessage: string }> = {
    start: {
        launcher: 'tools/local-host/cli.js',
        usage: 'usage: npm start --',
        badValue: ['--port', '70000'],
        badMessage: '--port must be a whole number from 0 to 65535',
    },
    dashboard: {
        launcher: 'tools/dashboard/run.js',
        usage: 'usage: npm run dashboard --',
        badValue: ['--stack', 'dev', '--port', 'x'],
        badMessage: '--port must be a whole number',
    },
    smoke: {
        launcher: 'tools/smoke/run.js',
        usage: 'usage: npm run smoke --',
        badValue: ['http://h/x', '--timeout', 'soon'],
        badMessage: "--timeout needs a positive number, got 'soon'",
    },
    bench: {
        launcher: 'tools/bench/run.js',
        usage: 'usage: npm run bench',
        badValue: ['--runs', '5'],
        badMessage: '--runs must be a whole number from 100',
    },
    package: {
        launcher: 'tools/package/run.js',
        usage: 'usage: npm run package',
        badValue: ['--backend', 'cosmos'],
        badMessage: '--backend must be one of azureStorage, durableTaskScheduler',
    },
};

interface Exit {
    code: number;
    stdout: string;
    stderr: string;
}

// A scratch working directory: a command that wrongly went on to run would not touch the checkout.
const CWD = mkdtempSync(path.join(tmpdir(), 'cli-args-'));

function spawnScript(launcher: string, args: string[]): Promise<Exit> {
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            [path.join(REPO_ROOT, launcher), ...args],
            { cwd: CWD, timeout: HANG_MS },
            (err, stdout, stderr) => {
                resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
            },
        );
    });
}

describe.each(Object.entries(SCRIPTS))('npm run %s', (_script, { launcher, usage, badValue, badMessage }) => {
    it('--help and -h print the usage on stdout and exit 0', async () => {
        for (const flag of ['--help', '-h']) {
            const result = await spawnScript(launcher, [flag]);
            expect(result).toMatchObject({ code: 0, stderr: '' });
            expect(result.stdout).toContain(usage);
            expect(result.stdout).toContain('-h, --help');
        }
    });

    it('an unknown option prints the error and the usage on stderr and exits 2', async () => {
        const result = await spawnScript(launcher, ['--no-such-option']);
        expect(result).toMatchObject({ code: 2, stdout: '' });
        expect(result.stderr).toContain('unknown option --no-such-option');
        expect(result.stderr).toContain(usage);
    });

    it('a bad value prints what is wrong and the usage on stderr and exits 2', async () => {
        const result = await spawnScript(launcher, badValue);
        expect(result).toMatchObject({ code: 2, stdout: '' });
        expect(result.stderr).toContain(badMessage);
        expect(result.stderr).toContain(usage);
    });
});

describe('the shared reading of arguments', () => {
    const spec = {
        name: 'demo',
        usage: 'usage: demo [--name <n>] [--flag] [--inspect[=<port>]]',
        options: {
            name: { type: 'string', short: 'n' },
            flag: { type: 'boolean', short: 'f' },
            inspect: { type: 'string' },
        },
        optionalValues: { inspect: '9229' },
    } satisfies CommandSpec;
    const error = (argv: string[]): string => {
        try {
            parseCommandArgs(spec, argv);
        } catch (err) {
            if (err instanceof UsageError) return err.message;
            throw err;
        }
        throw new Error(`no error for ${argv.join(' ')}`);
    };

    it('takes values inline or as the next argument, and an optional value bare or inline', () => {
        expect(parseCommandArgs(spec, ['--name', 'a', '--flag']).values).toEqual({ name: 'a', flag: true });
        expect(parseCommandArgs(spec, ['--name=a']).values).toEqual({ name: 'a' });
        expect(parseCommandArgs(spec, ['--inspect']).values).toEqual({ inspect: '9229' });
        expect(parseCommandArgs(spec, ['--inspect=9230']).values).toEqual({ inspect: '9230' });
    });

    it('refuses a missing, empty, dash-led or repeated value, a value on a switch, and positionals where none are taken', () => {
        expect(error(['--name'])).toBe('--name needs a value.');
        expect(error(['-n'])).toBe('--name needs a value.');
        expect(error(['--name='])).toBe('--name needs a value.');
        expect(error(['--name', '--flag'])).toMatch(
            /^--name needs a value \(a value starting with '-' goes as --name=<value>\)/,
        );
        expect(error(['--name', 'a', '--name', 'b'])).toBe('--name is given more than once.');
        expect(error(['--flag=yes'])).toBe('--flag takes no value.');
        expect(error(['extra'])).toBe("unexpected argument 'extra': this command takes only options.");
        expect(error(['-x'])).toBe('unknown option -x.');
    });

    it('answers --help before anything else, and prints bad usage with the command name', () => {
        const out: string[] = [];
        const err: string[] = [];
        const output = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
        expect(readArgs(spec, ['--nope', '--help'], (argv) => parseCommandArgs(spec, argv), output)).toEqual({
            ok: false,
            exitCode: 0,
        });
        expect(readArgs(spec, ['--nope'], (argv) => parseCommandArgs(spec, argv), output)).toEqual({
            ok: false,
            exitCode: 2,
        });
        expect(out).toEqual([`${spec.usage}\n  -h, --help             print this help and exit`]);
        expect(err).toEqual([
            `demo: unknown option --nope.\n${spec.usage}\n  -h, --help             print this help and exit`,
        ]);
    });

    it("keeps the local host's flags: --inspect bare or with a port, paths resolved against the working directory", () => {
        expect(parseFlags(['--inspect', '--port', '0', '--app', 'x', '--watch'], '/w')).toMatchObject({
            inspect: 9229,
            port: 0,
            app: '/w/x',
            watch: true,
        });
        expect(parseFlags(['--inspect=9333', '--require-system-key'], '/w')).toMatchObject({
            inspect: 9333,
            requireSystemKey: true,
        });
        expect(() => parseFlags(['--inspect=x'], '/w')).toThrow(
            "--inspect=<port> must be a whole number from 0 to 65535 (0 = any free port), got 'x'.",
        );
    });
});
