import type * as pulumi from '@pulumi/pulumi';
import { deploy, type DeploymentStatus, type GetToken } from './oneDeploy';
import { DEFAULT_ARM_BASE_URL, isSiteId } from './functionCheck';
import { defaultAzureTokens } from './tokens';

export type { DeploymentStatus };

/**
 * The dynamic provider behind {@link AppDeployment}. Pulumi serializes these functions into the
 * state and runs them in a separate process, so every dependency outside this folder is
 * `require`d inside the function that uses it; `deploy` is serialized with its module.
 */

export interface DeploymentInputs {
    appName: string;
    /** The app's SCM host, e.g. func-hello.scm.azurewebsites.net. */
    scmHost: string;
    /**
     * The blob container the app runs its package from (its functionAppConfig deployment storage):
     * a replaced storage account or container is empty, so the package must be deployed again.
     */
    deploymentContainerUrl: string;
    /** Where the zip is on this machine; not part of the key (it differs between machines). */
    packagePath: string;
    /** Hex sha256 of the zip: the deployment's key. */
    packageSha256: string;
    /** The app's ARM id: its function list proves the host runs the deployed code. */
    siteId: string;
    /** The functions the package defines: the deployment finishes only once the app lists them all. */
    expectedFunctions: string[];
}

export interface DeploymentOutputs extends DeploymentInputs {
    /** Kudu's id of the deployment that put this package on the app. */
    deploymentId: string;
    /**
     * `partialSuccess`: the package is live but a step failed (see `log`). A failed deployment fails the update
     * instead.
     */
    status: DeploymentStatus;
    /**
     * What the deployment logged (attempts, retries, a partial success's Kudu log): its last {@link LOG_LINES} lines.
     */
    log: string;
    /** The functions the app listed after the deployment. */
    functions: string[];
}

/** How many lines of the deployment log the outputs keep (the state is no log store). */
export const LOG_LINES = 50;
const MAX_LINE_LENGTH = 1_000;

/** Fields whose change means a different target (app or package container): deploy to it as a new resource. */
export const TARGET_FIELDS = ['appName', 'scmHost', 'deploymentContainerUrl'] as const;

/**
 * Changes only when the package bytes (sha256) or the target (app, package container) change. The package path and
 * anything else are ignored, so an unchanged `pulumi up` (even from another machine) deploys nothing.
 */
export function diffDeployment(olds: Partial<DeploymentInputs>, news: DeploymentInputs): pulumi.dynamic.DiffResult {
    const replaces = TARGET_FIELDS.filter((field) => olds[field] !== news[field]);
    const changes = replaces.length > 0 || olds.packageSha256 !== news.packageSha256;
    return { changes, replaces, deleteBeforeReplace: false };
}

export function checkInputs(news: Partial<DeploymentInputs>): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    for (const field of ['appName', 'scmHost', 'deploymentContainerUrl', 'packagePath'] as const) {
        if (typeof news[field] !== 'string' || news[field] === '')
            failures.push({ property: field, reason: `${field} is required` });
    }
    if (typeof news.packageSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(news.packageSha256)) {
        failures.push({
            property: 'packageSha256',
            reason: 'packageSha256 must be the 64-character hex sha256 of the zip (from buildPackage)',
        });
    }
    if (!isSiteId(news.siteId)) {
        failures.push({
            property: 'siteId',
            reason: "siteId must be the function app's ARM id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Web/sites/<app>)",
        });
    }
    const expected = news.expectedFunctions;
    if (
        !Array.isArray(expected) ||
        expected.length === 0 ||
        !expected.every((name) => typeof name === 'string' && /^[\w-]+$/.test(name))
    ) {
        failures.push({
            property: 'expectedFunctions',
            reason: "expectedFunctions must list the function names the package defines (its manifest's functions)",
        });
    }
    return failures;
}

/** Where a deployment runs: the SCM site, ARM, tokens, a clock and a sink for progress messages. */
export interface DeploymentRuntime {
    scmBaseUrl: string;
    armBaseUrl: string;
    /** Where the app's package is read from when Kudu cannot say (default: the inputs' deploymentContainerUrl). */
    packageContainerUrl?: string;
    getToken: GetToken;
    /** Shows a progress message to the person running `pulumi up` as it happens. */
    show: (message: string) => void;
    sleep: (ms: number) => Promise<void>;
    now: () => number;
}

/**
 * The real runtime: the app's SCM host, public ARM, DefaultAzureCredential tokens for the scope asked, `pulumi.log`.
 */
function azureRuntime(inputs: DeploymentInputs): DeploymentRuntime {
    return {
        scmBaseUrl: `https://${inputs.scmHost}`,
        armBaseUrl: DEFAULT_ARM_BASE_URL,
        getToken: defaultAzureTokens(),
        // A dynamic provider has no engine connection (pulumi/pulumi#6065): pulumi.log falls back to
        // the console, which the CLI passes through as the provider's output (pulumi/pulumi#18253).
        show: (message) => {
            const { log } = require('@pulumi/pulumi') as typeof import('@pulumi/pulumi');
            void log.info(`${inputs.appName}: ${message}`);
        },
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        now: () => Date.now(),
    };
}

/** The last `maxLines` lines of `messages`, each line cut at MAX_LINE_LENGTH, every token replaced. */
export function boundedLog(messages: string[], tokens: Iterable<string>, maxLines = LOG_LINES): string {
    let text = messages.join('\n');
    for (const token of tokens) if (token) text = text.split(token).join('[token]');
    const lines = text
        .split('\n')
        .map((line) => (line.length > MAX_LINE_LENGTH ? `${line.slice(0, MAX_LINE_LENGTH)}…` : line));
    if (lines.length <= maxLines) return lines.join('\n');
    return [`(${lines.length - maxLines + 1} earlier lines left out)`, ...lines.slice(-(maxLines - 1))].join('\n');
}

/** Reads the zip, checks it is the package the program planned, deploys it, and returns what happened. */
export async function runDeployment(
    inputs: DeploymentInputs,
    overrides: Partial<DeploymentRuntime> = {},
): Promise<DeploymentOutputs> {
    const fs = require('node:fs') as typeof import('node:fs');
    const { createHash } = require('node:crypto') as typeof import('node:crypto');
    const zip = fs.readFileSync(inputs.packagePath);
    const actual = createHash('sha256').update(zip).digest('hex');
    if (actual !== inputs.packageSha256) {
        throw new Error(
            `${inputs.packagePath} has sha256 ${actual}, not the planned ${inputs.packageSha256}: it changed after the program built it. Run \`pulumi up\` again.`,
        );
    }
    const runtime: DeploymentRuntime = { ...azureRuntime(inputs), ...overrides };
    const tokens = new Set<string>();
    const messages: string[] = [];
    const result = await deploy({
        scmBaseUrl: runtime.scmBaseUrl,
        armBaseUrl: runtime.armBaseUrl,
        zip,
        functions: { siteId: inputs.siteId, expected: inputs.expectedFunctions },
        packageContainerUrl: runtime.packageContainerUrl ?? inputs.deploymentContainerUrl,
        getToken: async (scope, options) => {
            const token = await runtime.getToken(scope, options);
            tokens.add(token);
            return token;
        },
        sleep: runtime.sleep,
        now: runtime.now,
        log: (message) => {
            messages.push(message);
            runtime.show(boundedLog([message], tokens));
        },
    });
    return {
        ...inputs,
        deploymentId: result.deploymentId,
        status: result.status,
        log: boundedLog(messages, tokens),
        functions: result.functions,
    };
}

export const oneDeployProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: Partial<DeploymentInputs>, news: DeploymentInputs) {
        return { inputs: news, failures: checkInputs(news) };
    },
    async diff(_id: string, olds: DeploymentOutputs, news: DeploymentInputs) {
        return diffDeployment(olds, news);
    },
    async create(inputs: DeploymentInputs) {
        const outs = await runDeployment(inputs);
        return { id: `onedeploy-${inputs.appName}`, outs };
    },
    async update(_id: string, _olds: DeploymentOutputs, news: DeploymentInputs) {
        return { outs: await runDeployment(news) };
    },
    // Nothing to undo: deleting the function app removes its code.
    async delete() {},
};
