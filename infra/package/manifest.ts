import Module from 'node:module';
import * as path from 'node:path';
import { runInThisContext } from 'node:vm';
import { FunctionRegistry, type RpcBindingInfo } from './functionRegistry';
import { canonicalJson } from './hostJson';

/**
 * The app's functions as the Functions host indexes them: the bundle that is deployed is loaded with the
 * worker's `@azure/functions-core` (`functionRegistry.ts`, which the local host's worker builds on), and what it
 * registers is what the Node worker reports to the host on FunctionsMetadataRequest
 * (azure-functions-nodejs-worker src/eventHandlers/FunctionsMetadataHandler.ts: the functions registered
 * through `registerFunction` while the app's entry point loads). Every consumer (the deploy's
 * function-list check, the stack's starter outputs, the smoke check, the tests) reads this instead of a list
 * of names kept by hand.
 */

export const MANIFEST_SCHEMA = 1;

export type FunctionKind = 'orchestrator' | 'activity' | 'entity' | 'http' | 'timer' | 'other';

export interface ManifestFunction {
    name: string;
    /** The trigger binding's type, e.g. httpTrigger, orchestrationTrigger. */
    trigger: string;
    kind: FunctionKind;
    /** HTTP only: the route template (the function name when the app gives none, as the host does) */
    route?: string;
    /** HTTP only: the methods it accepts; absent means every method. */
    methods?: string[];
    /** HTTP only: anonymous, function or admin. */
    authLevel?: string;
    /** Takes a `durableClient` input: it can start and manage orchestrations. */
    durableClient?: boolean;
}

export interface AppManifest {
    schema: number;
    /** host.json extensions.http.routePrefix (default `api`): HTTP routes are served under `/<routePrefix>/`. */
    routePrefix: string;
    /** Every function, by byte-wise name order. */
    functions: ManifestFunction[];
    orchestrators: string[];
    activities: string[];
    entities: string[];
}

const KINDS: Record<string, FunctionKind> = {
    orchestrationtrigger: 'orchestrator',
    activitytrigger: 'activity',
    entitytrigger: 'entity',
    httptrigger: 'http',
    timertrigger: 'timer',
};

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Registers what the bundle registers, in a registry of its own, without touching Node's module cache. */
export function indexBundle(code: string, filename: string, settings: Record<string, string> = {}): FunctionRegistry {
    const core = new FunctionRegistry();
    const api = core.api;
    const nodeRequire = Module.createRequire(filename);
    const load = (request: string) => (request === '@azure/functions-core' ? api : nodeRequire(request));
    const module = { exports: {} as unknown };
    // The app reads its settings while it loads (e.g. an HTTP function's auth level), as it does in Azure.
    // The environment of the realm the bundle runs in (under jest, not the test's own copy).
    const env = (runInThisContext('process') as NodeJS.Process).env;
    const saved = Object.fromEntries(Object.keys(settings).map((key) => [key, env[key]]));
    Object.assign(env, settings);
    try {
        const wrapper = runInThisContext(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, {
            filename,
        }) as (...args: unknown[]) => void;
        wrapper(module.exports, load, module, filename, path.dirname(filename));
    } catch (err) {
        throw new Error(
            `Loading the app to index its functions failed: ${err instanceof Error ? err.message : String(err)}`,
        );
    } finally {
        for (const [key, value] of Object.entries(saved)) {
            if (value === undefined) delete env[key];
            else env[key] = value;
        }
    }
    if (core.registrations.size === 0) {
        throw new Error(
            'The app registers no functions: the host would start with "0 functions found". Register them in src/functions/*.ts.',
        );
    }
    return core;
}

function describeFunction(name: string, trigger: RpcBindingInfo, bindings: RpcBindingInfo[]): ManifestFunction {
    const type = String(trigger.type);
    const kind = KINDS[type.toLowerCase()] ?? 'other';
    const entry: ManifestFunction = { name, trigger: type, kind };
    if (kind === 'http') {
        entry.route = typeof trigger.route === 'string' && trigger.route !== '' ? trigger.route : name;
        if (Array.isArray(trigger.methods) && trigger.methods.length > 0) {
            entry.methods = (trigger.methods as string[]).map((m) => m.toUpperCase()).sort(byteOrder);
        }
        entry.authLevel = typeof trigger.authLevel === 'string' ? trigger.authLevel.toLowerCase() : 'function';
    }
    if (bindings.some((b) => b.type === 'durableClient' && b.direction === 'in')) entry.durableClient = true;
    return entry;
}

/** The manifest of an indexed app; `hostJson` is the deployed host.json (for the route prefix). */
export function manifestOf(core: FunctionRegistry, hostJson: string): AppManifest {
    const host = JSON.parse(hostJson) as { extensions?: { http?: { routePrefix?: unknown } } };
    const prefix = host.extensions?.http?.routePrefix;
    const functions = [...core.registrations.values()]
        .map((r) => describeFunction(r.metadata.name, r.trigger, Object.values(r.metadata.bindings)))
        .sort((a, b) => byteOrder(a.name, b.name));
    const named = (kind: FunctionKind) => functions.filter((f) => f.kind === kind).map((f) => f.name);
    return {
        schema: MANIFEST_SCHEMA,
        routePrefix: typeof prefix === 'string' ? prefix : 'api',
        functions,
        orchestrators: named('orchestrator'),
        activities: named('activity'),
        entities: named('entity'),
    };
}

export function manifestJson(manifest: AppManifest): string {
    return canonicalJson(manifest);
}

/** `dist/app.zip` → `dist/app.manifest.json`: the manifest lives beside its package. */
export function manifestPathFor(zipPath: string): string {
    return zipPath.replace(/\.zip$/i, '') + '.manifest.json';
}

/**
 * The HTTP starter: the HTTP function with a durable client whose route takes the orchestrator's name as
 * `{functionName}` (Microsoft's DurableFunctionsHttpStart template). Undefined when the app has none.
 */
export function starterOf(manifest: AppManifest): ManifestFunction | undefined {
    const starters = manifest.functions.filter(
        (f) => f.kind === 'http' && f.durableClient && /\{functionName(:[^}]*)?\}/.test(f.route ?? ''),
    );
    if (starters.length > 1) {
        throw new Error(
            `Several HTTP starters take {functionName}: ${starters.map((f) => f.name).join(', ')}. Keep one (the stack hands out its route and key).`,
        );
    }
    return starters[0];
}
