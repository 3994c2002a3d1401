import * as pulumi from '@pulumi/pulumi';
import { oneDeployProvider, type DeploymentStatus } from './provider';

export interface AppDeploymentArgs {
    /** The function app's name. */
    appName: pulumi.Input<string>;
    /** The app's SCM host; see {@link scmHostFor}. */
    scmHost: pulumi.Input<string>;
    /** The app's deployment container URL (FunctionApp.deploymentContainerUrl): a new one redeploys. */
    deploymentContainerUrl: pulumi.Input<string>;
    /** The zip from buildPackage. */
    packagePath: pulumi.Input<string>;
    /** Its sha256 from buildPackage: a new value deploys, the same value does nothing. */
    packageSha256: pulumi.Input<string>;
}

class OneDeployment extends pulumi.dynamic.Resource {
    declare readonly deploymentId: pulumi.Output<string>;
    declare readonly packageSha256: pulumi.Output<string>;
    declare readonly status: pulumi.Output<DeploymentStatus>;
    declare readonly log: pulumi.Output<string>;

    constructor(name: string, args: AppDeploymentArgs, opts?: pulumi.CustomResourceOptions) {
        super(oneDeployProvider, name, { ...args, deploymentId: undefined, status: undefined, log: undefined }, opts, 'durable-hello', 'OneDeploy');
    }
}

/**
 * Deploys the package to a Flex Consumption app with One Deploy, once per package sha256.
 * Pass the function app and its role assignments in `dependsOn`: the upload needs both.
 */
export class AppDeployment extends pulumi.ComponentResource {
    /** Kudu's id of the deployment; resolves only once the deployment succeeded. */
    readonly deploymentId: pulumi.Output<string>;
    readonly packageSha256: pulumi.Output<string>;
    /** `success`, or `partialSuccess` (the package is live but a step failed: read `log`). */
    readonly status: pulumi.Output<DeploymentStatus>;
    /** The deployment's last 50 log lines: publish attempts, retries, and a partial success's Kudu log. No token. */
    readonly log: pulumi.Output<string>;

    constructor(name: string, args: AppDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
        super('durable-hello:deployment:AppDeployment', name, {}, opts);
        // A component's dependsOn does not hold back its children: pass it on explicitly.
        const deployment = new OneDeployment(`${name}-onedeploy`, args, { parent: this, dependsOn: opts?.dependsOn });
        this.deploymentId = deployment.deploymentId;
        this.packageSha256 = deployment.packageSha256;
        this.status = deployment.status;
        this.log = deployment.log;
        this.registerOutputs({ deploymentId: this.deploymentId, packageSha256: this.packageSha256, status: this.status, log: this.log });
    }

    /** `value`, available only after the deployment finished: e.g. the starter URL. */
    after<T>(value: pulumi.Input<T>): pulumi.Output<T> {
        return pulumi.all([value, this.deploymentId]).apply(([v]) => v as T);
    }
}

/**
 * The SCM (Kudu) host of an app from its default host name: `.scm` after the first label, which
 * holds for `<app>.azurewebsites.net` and for unique default host names
 * (`<app>-<hash>.<region>-01.azurewebsites.net` → `<app>-<hash>.scm.<region>-01.azurewebsites.net`).
 */
export function scmHostFor(defaultHostName: string): string {
    const dot = defaultHostName.indexOf('.');
    if (dot <= 0) throw new Error(`'${defaultHostName}' is not an app host name like <app>.azurewebsites.net.`);
    return `${defaultHostName.slice(0, dot)}.scm${defaultHostName.slice(dot)}`;
}
