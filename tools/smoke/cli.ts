import { redact, runSmoke, type SmokeDeps, type SmokeOptions } from './smoke';

export const USAGE = `usage: npm run smoke -- <starterUrl> [--timeout <seconds>] [--interval <seconds>] [--max-polls <n>]

  <starterUrl>          the hello_orchestrator starter, e.g. http://localhost:7071/api/orchestrators/hello_orchestrator
                        (in Azure: the stack output starterUrl, which carries the function key as ?code=...).
                        Omit it to read the environment variable STARTER_URL instead, which keeps a key
                        off command lines (npm prints the command it runs).
  --timeout <seconds>   overall deadline for start and polling (default 300)
  --interval <seconds>  longest wait between two status polls; Retry-After is honoured up to this (default 5)
  --max-polls <n>       most status polls before giving up (default 200)`;

export class UsageError extends Error {}

const DEFAULTS = { timeout: 300, interval: 5, maxPolls: 200 };

function positiveNumber(flag: string, raw: string | undefined): number {
    const value = Number(raw);
    if (raw === undefined || raw.startsWith('--') || !Number.isFinite(value) || value <= 0) {
        throw new UsageError(`${flag} needs a positive number, got ${raw === undefined ? 'nothing' : `'${raw}'`}.`);
    }
    return value;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = {}): SmokeOptions {
    const positional: string[] = [];
    const numbers = { ...DEFAULTS };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
        const value = () => (inline !== undefined ? inline : argv[++i]);
        if (flag === '--timeout') numbers.timeout = positiveNumber(flag, value());
        else if (flag === '--interval') numbers.interval = positiveNumber(flag, value());
        else if (flag === '--max-polls') numbers.maxPolls = Math.ceil(positiveNumber(flag, value()));
        else if (flag.startsWith('--')) throw new UsageError(`unknown option ${flag}.`);
        else positional.push(arg);
    }
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
    let options: SmokeOptions;
    try {
        options = parseArgs(argv, process.env);
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
