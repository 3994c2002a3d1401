import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/** The parts of a GitHub Actions workflow the rules read. */
export interface Step {
    id?: string;
    if?: string;
    name?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
export interface Job {
    name?: string;
    if?: string;
    needs?: string | string[];
    environment?: string | { name: string };
    permissions?: Record<string, string> | string;
    concurrency?: { group: string; 'cancel-in-progress'?: boolean | string } | string;
    env?: Record<string, string>;
    steps?: Step[];
}
export interface Workflow {
    name?: string;
    on: Record<string, unknown>;
    permissions?: Record<string, string> | string;
    env?: Record<string, string>;
    jobs: Record<string, Job>;
}

export const WORKFLOW_DIR = path.join(__dirname, '..', '..', '.github', 'workflows');

export function workflowFiles(): string[] {
    return fs
        .readdirSync(WORKFLOW_DIR)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => path.join(WORKFLOW_DIR, f));
}

export function loadWorkflow(file: string): Workflow {
    return parse(fs.readFileSync(file, 'utf8')) as Workflow;
}

export const steps = (job: Job): Step[] => job.steps ?? [];
export const usesAction = (step: Step, action: string) =>
    (step.uses ?? '').toLowerCase().startsWith(`${action.toLowerCase()}@`);
export const logsIntoAzure = (job: Job) => steps(job).some((s) => usesAction(s, 'azure/login'));
export const pulumiCommand = (step: Step) =>
    usesAction(step, 'pulumi/actions') ? String(step.with?.command ?? '') : undefined;

/** A `uses:` line as written, with the version comment that YAML parsing drops. */
export interface ActionPin {
    action: string;
    ref: string;
    version?: string;
}

/** Every non-local `uses:` of a workflow's text: `owner/repo[/path]@ref # vX.Y.Z`. */
export function actionPins(text: string): ActionPin[] {
    return [...text.matchAll(/^\s*(?:-\s+)?uses:\s*([^\s@#]+)@(\S+)(?:\s+#\s*(\S+))?\s*$/gm)]
        .filter((m) => !m[1].startsWith('./'))
        .map((m) => ({ action: m[1].toLowerCase(), ref: m[2], version: m[3] }));
}

/** Pins that a moved tag could change: anything but a full commit SHA with its release (`# v1.2.3`) beside it. */
export function unpinnedActions(text: string): string[] {
    return actionPins(text)
        .filter((p) => !/^[0-9a-f]{40}$/.test(p.ref) || !/^v\d+\.\d+\.\d+$/.test(p.version ?? ''))
        .map((p) => `${p.action}@${p.ref}${p.version ? ` # ${p.version}` : ''}`);
}

/** `pulumi` CLI subcommands a job runs: its pulumi/actions commands and `pulumi <word>` in its scripts. */
export function pulumiCommandsOf(job: Job): string[] {
    return steps(job).flatMap((s) => {
        const fromAction = pulumiCommand(s);
        const fromScript = [...(s.run ?? '').matchAll(/(?:^|[\s;&|(])pulumi\s+(?:--?[\w-]+\s+)*([a-z][\w-]*)/gm)].map(
            (m) => m[1],
        );
        return [...(fromAction ? [fromAction] : []), ...fromScript];
    });
}

/** Jobs whose permissions break the rule: `id-token: write` exactly on the jobs that log into Azure. */
export function idTokenProblems(wf: Workflow): string[] {
    return Object.entries(wf.jobs).flatMap(([name, job]) => {
        const perms = typeof job.permissions === 'object' ? job.permissions : {};
        const hasIdToken = perms['id-token'] === 'write' || job.permissions === 'write-all';
        if (logsIntoAzure(job) && !hasIdToken) return [`${name}: logs into Azure without id-token: write`];
        if (!logsIntoAzure(job) && hasIdToken) return [`${name}: has id-token: write but does not log into Azure`];
        return [];
    });
}

/** Env names bound to `${{ secrets.* }}` anywhere in the workflow. */
function secretEnvNames(wf: Workflow): Set<string> {
    const maps = [wf.env, ...Object.values(wf.jobs).flatMap((j) => [j.env, ...steps(j).map((s) => s.env)])];
    return new Set(
        maps
            .flatMap((m) => Object.entries(m ?? {}).filter(([, v]) => /\$\{\{\s*secrets\./.test(String(v))))
            .map(([k]) => k),
    );
}

/**
 * Ways a `run:` script could put a secret in the log: a `${{ secrets.* }}` expression in the script
 * (interpolated before bash runs), `set -x`, any use of an env var that holds a secret, or a value read
 * with `--show-secrets` that is used before `::add-mask::` hides it.
 */
export function secretLeaks(wf: Workflow): string[] {
    const secretVars = secretEnvNames(wf);
    return Object.entries(wf.jobs).flatMap(([jobName, job]) =>
        steps(job).flatMap((step, i) => {
            const script = step.run ?? '';
            const where = `${jobName} step ${step.name ?? step.id ?? i + 1}`;
            const found: string[] = [];
            if (/\$\{\{\s*secrets\./.test(script)) found.push(`${where}: \${{ secrets.* }} inside run`);
            if (/\bset\s+-[a-z]*x/.test(script)) found.push(`${where}: set -x traces values`);
            for (const name of secretVars) {
                if (new RegExp(`\\$\\{?${name}\\b`).test(script)) found.push(`${where}: uses secret env ${name}`);
            }
            const lines = script.split('\n');
            lines.forEach((line, n) => {
                if (!line.includes('--show-secrets')) return;
                const assigned = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)="\$\(/.exec(line)?.[1];
                if (!assigned) {
                    found.push(`${where}: --show-secrets output is not captured in a variable`);
                    return;
                }
                const next = lines.slice(n + 1).find((l) => new RegExp(`\\$\\{?${assigned}\\b`).test(l)) ?? '';
                if (!next.includes(`echo "::add-mask::$${assigned}"`))
                    found.push(`${where}: ${assigned} is used before ::add-mask::`);
            });
            return found;
        }),
    );
}

export function concurrencyOf(job: Job): { group: string; cancelInProgress: boolean } | undefined {
    if (job.concurrency === undefined) return undefined;
    if (typeof job.concurrency === 'string') return { group: job.concurrency, cancelInProgress: false };
    const cancel = job.concurrency['cancel-in-progress'];
    return { group: job.concurrency.group, cancelInProgress: cancel === true || cancel === 'true' };
}

const holdsCredentials = (wf: Workflow, job: Job) => {
    const perms = typeof job.permissions === 'object' ? job.permissions : {};
    return perms['id-token'] === 'write' || /\$\{\{\s*secrets\./.test(JSON.stringify([wf.env, job]));
};

/**
 * Jobs that hold credentials (an OIDC token or a secret) and restore a dependency cache: a cache that another
 * branch's run wrote would run with those credentials. setup-node caches with `cache:`, and on its own when
 * package.json names a packageManager unless `package-manager-cache: false`.
 */
export function cachedCredentialJobs(wf: Workflow): string[] {
    return Object.entries(wf.jobs).flatMap(([name, job]) => {
        if (!holdsCredentials(wf, job)) return [];
        return steps(job)
            .filter((s) => usesAction(s, 'actions/setup-node') || usesAction(s, 'actions/cache'))
            .filter(
                (s) =>
                    usesAction(s, 'actions/cache') ||
                    s.with?.cache !== undefined ||
                    s.with?.['package-manager-cache'] !== false,
            )
            .map((s) => `${name}: ${s.uses!.split('@')[0]} may restore a cache`);
    });
}

/** Jobs that read `secrets.*` without naming an environment: the secrets would be repository-wide ones. */
export function secretsOutsideEnvironments(wf: Workflow): string[] {
    if (/\$\{\{\s*secrets\./.test(JSON.stringify(wf.env ?? {}))) return ['workflow env reads secrets'];
    return Object.entries(wf.jobs)
        .filter(([, job]) => /\$\{\{\s*secrets\./.test(JSON.stringify(job)) && !job.environment)
        .map(([name]) => `${name}: reads secrets outside an environment`);
}

export const PULUMI_VERSION_INPUT = '${{ steps.pulumi-version.outputs.version }}';

/** pulumi/actions steps whose CLI version is not the one the lockfile's SDK pins (the pulumi-version step). */
export function unpinnedPulumiCli(wf: Workflow): string[] {
    return Object.entries(wf.jobs).flatMap(([name, job]) => {
        const all = steps(job);
        const versionStep = all.findIndex(
            (s) => s.id === 'pulumi-version' && s.run === 'node .github/scripts/pulumi-version.js >> "$GITHUB_OUTPUT"',
        );
        return all.flatMap((s, i) => {
            if (!usesAction(s, 'pulumi/actions')) return [];
            if (s.with?.['pulumi-version'] !== PULUMI_VERSION_INPUT)
                return [`${name}: pulumi/actions without pulumi-version from the lockfile`];
            if (versionStep < 0 || versionStep > i)
                return [`${name}: pulumi-version is read after pulumi/actions runs`];
            return [];
        });
    });
}
