import { AUTH_LEVELS, type StarterAuthLevel } from '../app/src/lib/authLevel';

/** The Pulumi project name, and so the namespace of the stack's config keys (`durable-hello:<key>`). */
export const PROJECT = 'durable-hello';

export const INSTANCE_MEMORY_MB = [512, 2048, 4096] as const;
export type InstanceMemoryMB = (typeof INSTANCE_MEMORY_MB)[number];
export const NODE_VERSIONS = ['20', '22'] as const;
export type NodeVersion = (typeof NODE_VERSIONS)[number];
/** Flex Consumption accepts a per-app maximum between 1 and 1000 instances. */
export const MAX_INSTANCE_RANGE = { min: 1, max: 1000 } as const;

export interface StackConfig {
    location: string;
    maximumInstanceCount: number;
    instanceMemoryMB: InstanceMemoryMB;
    nodeVersion: NodeVersion;
    starterAuthLevel: StarterAuthLevel;
    /** Applied to every taggable resource; the defaults (app, stack) merged with the `tags` key. */
    tags: Record<string, string>;
}

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

    oneOf<T extends string | number>(key: string, allowed: readonly T[], fallback: T): T {
        const value = this.raw(key);
        if (value === undefined) {
            return fallback;
        }
        const match = allowed.find((a) => String(a).toLowerCase() === value.toLowerCase());
        if (match === undefined) {
            this.fail(key, `is '${value}'; allowed values: ${allowed.join(', ')} (default ${fallback}).`);
            return fallback;
        }
        return match;
    }

    integer(key: string, range: { min: number; max: number }, fallback: number): number {
        const value = this.raw(key);
        if (value === undefined) {
            return fallback;
        }
        const n = Number(value);
        if (!Number.isInteger(n) || n < range.min || n > range.max) {
            this.fail(key, `is '${value}'; expected a whole number from ${range.min} to ${range.max} (default ${fallback}).`);
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

// Azure tag limits: https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations
const TAG_NAME_FORBIDDEN = /[<>%&\\?/]/;
const MAX_TAGS = 50;

function validTags(reader: ConfigReader, tags: Record<string, string>): Record<string, string> {
    const names = Object.keys(tags);
    if (names.length > MAX_TAGS) {
        reader.fail('tags', `has ${names.length} entries; Azure allows at most ${MAX_TAGS}.`);
    }
    for (const [name, value] of Object.entries(tags)) {
        if (name.length === 0 || name.length > 512 || TAG_NAME_FORBIDDEN.test(name)) {
            reader.fail('tags', `name '${name}' must be 1-512 characters without any of < > % & \\ ? /.`);
        }
        if (value.length > 256) {
            reader.fail('tags', `value of '${name}' is ${value.length} characters; Azure allows at most 256.`);
        }
    }
    return tags;
}

const LOCATION_FORMAT = /^[a-z][a-z0-9]+$/;

function readLocation(reader: ConfigReader): string {
    const value = reader.raw('location');
    if (value === undefined) {
        reader.fail('location', 'is required: the Azure region, e.g. pulumi config set location swedencentral.');
        return '';
    }
    const location = value.toLowerCase().replace(/\s+/g, '');
    if (!LOCATION_FORMAT.test(location)) {
        reader.fail('location', `is '${value}'; expected a region name such as swedencentral (see az account list-locations -o table).`);
    }
    return location;
}

/** Reads and validates the stack's config once; throws a ConfigError listing every problem. */
export function readConfig(source: ConfigSource, stack: string): StackConfig {
    const reader = new ConfigReader(source);
    const config: StackConfig = {
        location: readLocation(reader),
        maximumInstanceCount: reader.integer('maximumInstanceCount', MAX_INSTANCE_RANGE, 100),
        instanceMemoryMB: reader.oneOf('instanceMemoryMB', INSTANCE_MEMORY_MB, 2048),
        nodeVersion: reader.oneOf('nodeVersion', NODE_VERSIONS, '22'),
        starterAuthLevel: reader.oneOf('starterAuthLevel', AUTH_LEVELS, 'function'),
        tags: validTags(reader, { app: PROJECT, stack, ...reader.stringMap('tags') }),
    };
    if (reader.problems.length > 0) {
        throw new ConfigError(reader.problems);
    }
    return config;
}
