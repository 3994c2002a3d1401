import { PROJECT } from './project';

/** What `readConfig` needs from `pulumi.Config`: the raw string of a key, or undefined when unset. */
export interface ConfigSource {
    get(key: string): string | undefined;
}

export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
        this.name = 'ConfigError';
    }
}

const sourceNote = (source?: string): string => (source ? ` Azure's limit, per ${source}.` : '');

/** Collects every problem so one `pulumi preview` shows them all, not one per run. */
export class ConfigReader {
    readonly problems: string[] = [];

    constructor(private readonly source: ConfigSource) {}

    raw(key: string): string | undefined {
        const value = this.source.get(key);
        return value === undefined || value.trim() === '' ? undefined : value.trim();
    }

    fail(key: string, message: string): undefined {
        this.problems.push(`${PROJECT}:${key} ${message}`);
        return undefined;
    }

    /** `source`: where Azure's rule is written down, quoted in the message. */
    oneOf<T extends string | number>(key: string, allowed: readonly T[], fallback: T, source?: string): T {
        const value = this.raw(key);
        if (value === undefined) {
            return fallback;
        }
        const match = allowed.find((a) => String(a).toLowerCase() === value.toLowerCase());
        if (match === undefined) {
            this.fail(
                key,
                `is '${value}'; allowed values: ${allowed.join(', ')} (default ${fallback}).${sourceNote(source)}`,
            );
            return fallback;
        }
        return match;
    }

    integer(key: string, range: { min: number; max: number }, fallback: number, source?: string): number {
        const value = this.raw(key);
        if (value === undefined) {
            return fallback;
        }
        const n = Number(value);
        if (!Number.isInteger(n) || n < range.min || n > range.max) {
            this.fail(
                key,
                `is '${value}'; expected a whole number from ${range.min} to ${range.max} (default ${fallback}).${sourceNote(source)}`,
            );
            return fallback;
        }
        return n;
    }

    /** A JSON object of strings, as `pulumi config set --path 'tags.owner' alice` writes it. */
    stringMap(key: string): Record<string, string> {
        const value = this.raw(key);
        if (value === undefined) {
            return {};
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(value);
        } catch {
            parsed = undefined;
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
            this.fail(key, `must be a map of names to strings, e.g. pulumi config set --path '${key}.owner' alice.`);
            return {};
        }
        const map: Record<string, string> = {};
        for (const [name, v] of Object.entries(parsed)) {
            if (typeof v !== 'string') {
                this.fail(key, `entry '${name}' must be a string, got ${JSON.stringify(v)}.`);
            } else {
                map[name] = v;
            }
        }
        return map;
    }
}
