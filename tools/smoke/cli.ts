import * as path from 'node:path';
import { appManifest } from '../package';
import { starterOf } from '../package/manifest';
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

export class UsageError extends Error {}

const DEFAULTS = { timeout: 300, interval: 5, maxPolls: 200 };

function text(flag: string, raw: string | undefined): string {
    if (raw === undefined || raw === '' || raw.startsWith('--')) throw new UsageError(`${flag} needs a value.`);
    return raw;
}

function positiveNumber(flag: string, raw: string | undefined): number {
    const value = Number(raw);
    if (raw === undefined || raw.startsWith('--') || !Number.isFinite(value) || value <= 0) {
        throw new UsageError(`${flag} needs a positive number, got ${raw === undefined ? 'nothing' : `'${raw}'`}.`);
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

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = {}, repoRoot = REPO_ROOT): SmokeArgs {
    const positional: string[] = [];
    const numbers = { ...DEFAULTS };
    let route: string | undefined;
    let appDir = path.join(repoRoot, 'app');
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
        const value = () => (inline !== undefined ? inline : argv[++i]);
        if (flag === '--timeout') numbers.timeout = positiveNumber(flag, value());
        else if (flag === '--interval') numbers.interval = positiveNumber(flag, value());
        else if (flag === '--max-polls') numbers.maxPolls = Math.ceil(positiveNumber(flag, value()));
        else if (flag === '--route') route = text(flag, value());
        else if (flag === '--app') appDir = path.resolve(text(flag, value()));
        else if (flag.startsWith('--')) throw new UsageError(`unknown option ${flag}.`);
        else positional.push(arg);
    }
    if (positional.length === 0 && env.API_BASE_URL) {
        positional.push(env.API_BASE_URL);
    }
    if (positional.length !== 1) {
        throw new UsageError(positional.length === 0 ? 'the API base URL is missing (argument or API_BASE_URL).' : 'give exactly one API base URL.');
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
        route,
        appDir,
        timeoutMs: numbers.timeout * 1000,
        maxIntervalMs: numbers.interval * 1000,
        maxPolls: numbers.maxPolls,
    };
}

/** Returns the process exit code: 0 passed, 1 smoke test failed, 2 bad usage. */
export async function main(argv: string[], deps: Partial<SmokeDeps> = {}): Promise<number> {
    const out = deps.log ?? ((line: string) => console.log(line));
    let options: SmokeOptions;
    try {
        options = smokeOptions(parseArgs(argv, process.env), process.env.STARTER_KEY);
    } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        console.error(`smoke: ${err.message}\n${USAGE}`);
        return 2;
    }
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

/** The app's smoke check against `args.apiBaseUrl`: its spec, and the starter's route (given, or read from the app's functions). */
export function smokeOptions(args: SmokeArgs, key = ''): SmokeOptions {
    try {
        const spec = readSmokeSpec(args.appDir);
        const route = args.route ?? starterOf(appManifest(args.appDir))?.route;
        if (!route) throw new Error(`the app in ${args.appDir} has no HTTP starter (an HTTP function with a durable client whose route takes {functionName}); pass --route.`);
        const starterUrl = starterUrlFor(args.apiBaseUrl, route, spec.orchestrator, key);
        return { starterUrl, input: spec.input, expected: spec.expectedOutput, timeoutMs: args.timeoutMs, maxIntervalMs: args.maxIntervalMs, maxPolls: args.maxPolls };
    } catch (err) {
        throw err instanceof UsageError ? err : new UsageError((err as Error).message);
    }
}
