import { parseCommandArgs, readArgs, UsageError, type CommandSpec } from '../cli/args';
import { redact, runSmoke, type SmokeDeps, type SmokeOptions } from './smoke';

export const USAGE = `usage: npm run smoke -- <starterUrl> [--timeout <seconds>] [--interval <seconds>] [--max-polls <n>]

  <starterUrl>          the hello_orchestrator starter, e.g. http://localhost:7071/api/orchestrators/hello_orchestrator
                        (in Azure: the stack output starterUrl, which carries the function key as ?code=...).
                        Omit it to read the environment variable STARTER_URL instead, which keeps a key
                        off command lines (npm prints the command it runs).
  --timeout <seconds>   overall deadline for start and polling (default 300)
  --interval <seconds>  longest wait between two status polls; Retry-After is honoured up to this (default 5)
  --max-polls <n>       most status polls before giving up (default 200)`;

export const SMOKE_COMMAND = {
    name: 'smoke',
    usage: USAGE,
    options: {
        timeout: { type: 'string' },
        interval: { type: 'string' },
        'max-polls': { type: 'string' },
    },
    allowPositionals: true,
} satisfies CommandSpec;

export { UsageError };

const DEFAULTS = { timeout: 300, interval: 5, maxPolls: 200 };

function positiveNumber(flag: string, raw: string | undefined, fallback: number): number {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
        throw new UsageError(`${flag} needs a positive number, got '${redact(raw)}'.`);
    }
    return value;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = {}): SmokeOptions {
    const { values, positionals } = parseCommandArgs(SMOKE_COMMAND, argv);
    const positional = [...positionals];
    const numbers = {
        timeout: positiveNumber('--timeout', values.timeout, DEFAULTS.timeout),
        interval: positiveNumber('--interval', values.interval, DEFAULTS.interval),
        maxPolls: Math.ceil(positiveNumber('--max-polls', values['max-polls'], DEFAULTS.maxPolls)),
    };
    if (positional.length === 0 && env.STARTER_URL) {
        positional.push(env.STARTER_URL);
    }
    if (positional.length !== 1) {
        throw new UsageError(positional.length === 0 ? 'the starter URL is missing (argument or STARTER_URL).' : 'give exactly one starter URL.');
    }
    let url: URL;
    try {
        url = new URL(positional[0]);
    } catch {
        throw new UsageError(`'${redact(positional[0])}' is not an absolute URL.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new UsageError(`the starter URL must be http:// or https://, got ${url.protocol}`);
    }
    return {
        starterUrl: url.toString(),
        timeoutMs: numbers.timeout * 1000,
        maxIntervalMs: numbers.interval * 1000,
        maxPolls: numbers.maxPolls,
    };
}

/** Returns the process exit code: 0 passed, 1 smoke test failed, 2 bad usage. */
export async function main(argv: string[], deps: Partial<SmokeDeps> = {}): Promise<number> {
    const out = deps.log ?? ((line: string) => console.log(line));
    const read = readArgs(SMOKE_COMMAND, argv, (args) => parseArgs(args, process.env));
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
