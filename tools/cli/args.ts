import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * The one way every command (`npm start`, `dashboard`, `smoke`, `bench`, `package`) reads its arguments:
 * Node's `util.parseArgs` in strict mode, plus what it leaves to us: `--help`/`-h` prints the usage and exits 0,
 * and an unknown option, a missing, empty or repeated value, or a value the command rejects prints the
 * error and the usage to stderr and exits 2.
 */
export type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec<O extends Options = Options> {
    /** The prefix of its error lines, e.g. `dashboard`. */
    name: string;
    /** The usage text; the `-h, --help` line is added to it. */
    usage: string;
    options: O;
    allowPositionals?: boolean;
    /**
     * Options whose value may be left out (`--inspect` or `--inspect=9230`), with the value a bare flag means.
     * util.parseArgs has no optional values: a bare flag is read as `--flag=<default>`.
     */
    optionalValues?: Partial<Record<keyof O & string, string>>;
}

/** Bad usage: the command prints the message and its usage and exits 2. */
export class UsageError extends Error {}

const HELP_LINE = '  -h, --help             print this help and exit';

export const usageOf = (spec: CommandSpec): string => `${spec.usage}\n${HELP_LINE}`;

export type Values<O extends Options> = {
    [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : string;
};

export interface ParsedArgs<O extends Options> {
    values: Values<O>;
    positionals: string[];
}

const isHelp = (arg: string): boolean => arg === '--help' || arg === '-h';

/** The values and positionals of `argv`; throws UsageError (including for `--help`: see readArgs). */
export function parseCommandArgs<O extends Options>(spec: CommandSpec<O>, argv: string[]): ParsedArgs<O> {
    const end = argv.indexOf('--');
    const flags = end === -1 ? argv : argv.slice(0, end);
    const rewritten = argv.map((arg, i) => {
        const name = arg.startsWith('--') ? arg.slice(2) : undefined;
        const bare =
            name !== undefined && (end === -1 || i < end) ? spec.optionalValues?.[name as keyof O & string] : undefined;
        return bare === undefined ? arg : `--${name}=${bare}`;
    });
    let parsed: ReturnType<typeof parseArgs>;
    try {
        parsed = parseArgs({
            args: rewritten,
            options: spec.options,
            strict: true,
            allowPositionals: spec.allowPositionals ?? false,
            tokens: true,
        });
    } catch (err) {
        throw new UsageError(describeParseError(err as Error & { code?: string }, flags));
    }
    const seen = new Set<string>();
    for (const token of parsed.tokens ?? []) {
        if (token.kind !== 'option') continue;
        if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once.`);
        seen.add(token.name);
        if (spec.options[token.name]?.type === 'string' && token.value === '')
            throw new UsageError(`--${token.name} needs a value.`);
    }
    return { values: parsed.values as Values<O>, positionals: parsed.positionals };
}

function describeParseError(err: Error & { code?: string }, argv: string[]): string {
    const first = err.message.split('\n')[0];
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
        const option = /Unknown option '([^']+)'/.exec(first)?.[1] ?? argv.find((a) => a.startsWith('-')) ?? '';
        return `unknown option ${option}.`;
    }
    if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
        const arg = /Unexpected argument '([^']*)'/.exec(first)?.[1];
        return `unexpected argument${arg === undefined ? '' : ` '${arg}'`}: this command takes only options.`;
    }
    if (/argument is ambiguous/.test(first)) {
        const option = /Option '([^']+)'/.exec(first)?.[1] ?? 'the option';
        return `${option} needs a value (a value starting with '-' goes as ${option}=<value>).`;
    }
    // "-g, --resource-group <value>" → "--resource-group"
    const long = (option: string) => option.replace(/^-[A-Za-z], /, '').replace(/ <value>$/, '');
    const missing = /Option '([^']+)' argument missing/.exec(first);
    if (missing) return `${long(missing[1])} needs a value.`;
    const valued = /Option '([^']+)' does not take an argument/.exec(first);
    if (valued) return `${long(valued[1])} takes no value.`;
    return first;
}

export interface ReadOutput {
    /** Where `--help` prints (stdout). */
    out: (text: string) => void;
    /** Where usage errors print (stderr). */
    err: (text: string) => void;
}

const processOutput: ReadOutput = {
    out: (text) => void process.stdout.write(`${text}\n`),
    err: (text) => void process.stderr.write(`${text}\n`),
};

export type ReadResult<T> = { ok: true; value: T } | { ok: false; exitCode: 0 | 2 };

/**
 * Runs the command's `parse` (parseCommandArgs with `spec`, then its own checks, throwing UsageError). `--help`
 * prints the usage and answers exit code 0; bad usage prints `<name>: <error>` and the usage, exit code 2.
 */
export function readArgs<T>(
    spec: CommandSpec,
    argv: string[],
    parse: (argv: string[]) => T,
    output: ReadOutput = processOutput,
): ReadResult<T> {
    const end = argv.indexOf('--');
    if ((end === -1 ? argv : argv.slice(0, end)).some(isHelp)) {
        output.out(usageOf(spec));
        return { ok: false, exitCode: 0 };
    }
    try {
        return { ok: true, value: parse(argv) };
    } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        output.err(`${spec.name}: ${err.message}\n${usageOf(spec)}`);
        return { ok: false, exitCode: 2 };
    }
}

/** A whole number in [min, max], or a UsageError naming the flag and the range. */
export function integerValue(flag: string, raw: string, min: number, max: number, hint = ''): number {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
        throw new UsageError(`${flag} must be a whole number from ${min} to ${max}${hint}, got '${raw}'.`);
    }
    return value;
}
