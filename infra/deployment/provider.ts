import type * as pulumi from '@pulumi/pulumi';
import { ARM_SCOPE, deploy } from './oneDeploy';

/**
 * The dynamic provider behind {@link AppDeployment}. Pulumi serializes these functions into the
 * state and runs them in a separate process, so every dependency outside this folder is
 * `require`d inside the function that uses it; `deploy` is serialized with its module.
 */

export interface DeploymentInputs {
    appName: string;
    /** The app's SCM host, e.g. func-hello.scm.azurewebsites.net. */
    scmHost: string;
    /** Where the zip is on this machine; not part of the key (it differs between machines). */
    packagePath: string;
    /** Hex sha256 of the zip: the deployment's key. */
    packageSha256: string;
}

export interface DeploymentOutputs extends DeploymentInputs {
    /** Kudu's id of the deployment that put this package on the app. */
    deploymentId: string;
}

/** Fields whose change means a different target app: deploy to it as a new resource. */
export const TARGET_FIELDS = ['appName', 'scmHost'] as const;

/**
 * Changes only when the package bytes (sha256) or the target app change. The package path and
 * anything else are ignored, so an unchanged `pulumi up` (even from another machine) deploys nothing.
 */
export function diffDeployment(olds: Partial<DeploymentInputs>, news: DeploymentInputs): pulumi.dynamic.DiffResult {
    const replaces = TARGET_FIELDS.filter((field) => olds[field] !== news[field]);
    const changes = replaces.length > 0 || olds.packageSha256 !== news.packageSha256;
    return { changes, replaces, deleteBeforeReplace: false };
}

export function checkInputs(news: Partial<DeploymentInputs>): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    for (const field of ['appName', 'scmHost', 'packagePath'] as const) {
        if (typeof news[field] !== 'string' || news[field] === '') failures.push({ property: field, reason: `${field} is required` });
    }
    if (typeof news.packageSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(news.packageSha256)) {
        failures.push({ property: 'packageSha256', reason: 'packageSha256 must be the 64-character hex sha256 of the zip (from buildPackage)' });
    }
    return failures;
}

/** Reads the zip, checks it is the package the program planned, deploys it with a DefaultAzureCredential token. */
export async function runDeployment(inputs: DeploymentInputs, scmBaseUrl = `https://${inputs.scmHost}`): Promise<DeploymentOutputs> {
    const fs = require('node:fs') as typeof import('node:fs');
    const { createHash } = require('node:crypto') as typeof import('node:crypto');
    const zip = fs.readFileSync(inputs.packagePath);
    const actual = createHash('sha256').update(zip).digest('hex');
    if (actual !== inputs.packageSha256) {
        throw new Error(
            `${inputs.packagePath} has sha256 ${actual}, not the planned ${inputs.packageSha256}: it changed after the program built it. Run \`pulumi up\` again.`,
        );
    }
    const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
    const credential = new DefaultAzureCredential();
    const result = await deploy({
        scmBaseUrl,
        zip,
        getToken: async () => (await credential.getToken(ARM_SCOPE))?.token ?? '',
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        now: () => Date.now(),
    });
    return { ...inputs, deploymentId: result.deploymentId };
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
