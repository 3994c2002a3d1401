import * as path from 'node:path';
import { parseCommandArgs, readArgs, UsageError, type CommandSpec } from '../cli/args';
import { appManifest } from '../../infra/package';
import { starterOf } from '../../infra/package/manifest';
import { redact, runSmoke, type SmokeDeps, type SmokeOptions } from './smoke';
import { readSmokeSpec, starterUrlFor, SPEC_FILE } from './spec';

export const USAGE = `usage: npm run smoke -- <apiBaseUrl> [--route <template>] [--app <dir>] [--timeout <seconds>] [--interval <seconds>] [--max-polls <n>]

  Runs the app's smoke check (<app>/${SPEC_FILE}: the orchestrator, its input, the expected output).
  <apiBaseUrl>          the app's API, e.g. http://localhost:7071/api (in Azure: the stack output apiBaseUrl).
                        Omit it to read the environment variable API_BASE_URL.
  STARTER_KEY (env)     the starter's function key (the stack output starterKey), sent as code=...;
                        from the environment only, never a command line (npm prints the command it runs).
  --route <template>    the starter's route (the stack output starterRouteTemplate); default: read from
                        the app's functions (the HTTP starter whose route takes {functionName})
  --app <dir>           the function app folder (default: app/)
  --timeout <seconds>   overall deadline for start (retried on 5xx, errors, timeouts) and polling (default 300)
  --interval <seconds>  longest wait between two status polls; Retry-After is honoured up to this (default 5)
  --max-polls <n>       most status polls before giving up (default 200)`;

export const SMOKE_COMMAND = {
    name: 'smoke',
    usage: USAGE,
    options: {
        route: { type: 'string' },
        app: { type: 'string' },
        timeout: { type: 'string' },
        interval: { type: 'string' },
        'max-polls': { type: 'string' },
    },
    allowPositionals: true,
} satisfies CommandSpec;

export { UsageError };

const DEFAULTS = { timeout: 300, interval: 5, maxPolls: 200 };
/** dist/tools/ once compiled, tools/smoke/ in tests: the repository is two folders up either way. */
const REPO_ROOT = path.resolve(__dirname, '..', '..');

function positiveNumber(flag: string, raw: string | undefined, fallback: number): number {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
        throw new UsageError(`${flag} needs a positive number, got '${redact(raw)}'.`);
    }
    return value;
}

export interface SmokeArgs {
    apiBaseUrl: string;
    route?: string;
    appDir: string;
    timeoutMs: number;
    maxIntervalMs: number;
    maxPolls: number;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = {}, repoRoot = REPO_ROOT): SmokeArgs {
    const { values, positionals } = parseCommandArgs(SMOKE_COMMAND, argv);
    const positional = [...positionals];
    const numbers = {
        timeout: positiveNumber('--timeout', values.timeout, DEFAULTS.timeout),
        interval: positiveNumber('--interval', values.interval, DEFAULTS.interval),
        maxPolls: Math.ceil(positiveNumber('--max-polls', values['max-polls'], DEFAULTS.maxPolls)),
    };
    if (positional.length === 0 && env.API_BASE_URL) {
        positional.push(env.API_BASE_URL);
    }
    if (positional.length !== 1) {
        throw new UsageError(
            positional.length === 0
                ? 'the API base URL is missing (argument or API_BASE_URL).'
                : 'give exactly one API base URL.',
        );
    }
    let url: URL;
    try {
        url = new URL(positional[0]);
    } catch {
        throw new UsageError(`'${redact(positional[0])}' is not an absolute URL.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new UsageError(`the API base URL must be http:// or https://, got ${url.protocol}`);
    }
    if (url.search) {
        throw new UsageError('the API base URL takes no query: pass the key as STARTER_KEY.');
    }
    return {
        apiBaseUrl: url.toString(),
        route: values.route,
        appDir: values.app === undefined ? path.join(repoRoot, 'app') : path.resolve(values.app),
        timeoutMs: numbers.timeout * 1000,
        maxIntervalMs: numbers.interval * 1000,
        maxPolls: numbers.maxPolls,
    };
}

/**
 * The app's smoke check against `args.apiBaseUrl`: its spec, and the starter's route (given, or read from the app's
 * functions).
 */
export function smokeOptions(args: SmokeArgs, key = ''): SmokeOptions {
    try {
        const spec = readSmokeSpec(args.appDir);
        const route = args.route ?? starterOf(appManifest(args.appDir))?.route;
        if (!route)
            throw new Error(
                `the app in ${args.appDir} has no HTTP starter (an HTTP function with a durable client whose route takes {functionName}); pass --route.`,
            );
        const starterUrl = starterUrlFor(args.apiBaseUrl, route, spec.orchestrator, key);
        return {
            starterUrl,
            input: spec.input,
            expected: spec.expectedOutput,
            timeoutMs: args.timeoutMs,
            maxIntervalMs: args.maxIntervalMs,
            maxPolls: args.maxPolls,
        };
    } catch (err) {
        throw err instanceof UsageError ? err : new UsageError((err as Error).message);
    }
}

/** Returns the process exit code: 0 passed, 1 smoke test failed, 2 bad usage. */
export async function main(argv: string[], deps: Partial<SmokeDeps> = {}): Promise<number> {
    const out = deps.log ?? ((line: string) => console.log(line));
    const read = readArgs(SMOKE_COMMAND, argv, (args) =>
        smokeOptions(parseArgs(args, process.env), process.env.STARTER_KEY),
    );
    if (!read.ok) return read.exitCode;
    const options = read.value;
    const result = await runSmoke(options, {
        fetch: deps.fetch ?? globalThis.fetch,
        sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
        now: deps.now ?? Date.now,
        log: out,
    });
    if (result.ok) {
        out(`smoke: passed: ${result.message}`);
        return 0;
    }
    console.error(`smoke: FAILED: ${result.message}`);
    return 1;
}
