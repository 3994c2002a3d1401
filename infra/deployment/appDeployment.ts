import * as pulumi from '@pulumi/pulumi';
import { oneDeployProvider } from './provider';

export interface AppDeploymentArgs {
    /** The function app's name. */
    appName: pulumi.Input<string>;
    /** The app's SCM host; see {@link scmHostOf}. */
    scmHost: pulumi.Input<string>;
    /** The zip from buildPackage. */
    packagePath: pulumi.Input<string>;
    /** Its sha256 from buildPackage: a new value deploys, the same value does nothing. */
    packageSha256: pulumi.Input<string>;
}

class OneDeployment extends pulumi.dynamic.Resource {
    declare readonly deploymentId: pulumi.Output<string>;
    declare readonly packageSha256: pulumi.Output<string>;

    constructor(name: string, args: AppDeploymentArgs, opts?: pulumi.CustomResourceOptions) {
        super(oneDeployProvider, name, { ...args, deploymentId: undefined }, opts, 'durable-hello', 'OneDeploy');
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

    constructor(name: string, args: AppDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
        super('durable-hello:deployment:AppDeployment', name, {}, opts);
        // A component's dependsOn does not hold back its children: pass it on explicitly.
        const deployment = new OneDeployment(`${name}-onedeploy`, args, { parent: this, dependsOn: opts?.dependsOn });
        this.deploymentId = deployment.deploymentId;
        this.packageSha256 = deployment.packageSha256;
        this.registerOutputs({ deploymentId: this.deploymentId, packageSha256: this.packageSha256 });
    }

    /** `value`, available only after the deployment finished: e.g. the starter URL. */
    after<T>(value: pulumi.Input<T>): pulumi.Output<T> {
        return pulumi.all([value, this.deploymentId]).apply(([v]) => v as T);
    }
}

interface HostNameSslState {
    name?: string;
    hostType?: string;
}

/**
 * The SCM host of an app, as azure-cli finds it: the `Repository` entry of its hostNameSslStates
 * (apps with a unique default hostname have `<app>-<hash>.scm.<region>-01.azurewebsites.net`),
 * else `<app>.scm.azurewebsites.net`.
 */
export function scmHostOf(appName: pulumi.Input<string>, hostNameSslStates: pulumi.Input<HostNameSslState[] | undefined>): pulumi.Output<string> {
    return pulumi
        .all([appName, hostNameSslStates])
        .apply(([name, states]) => (states ?? []).find((s) => s.hostType === 'Repository' && s.name)?.name ?? `${name}.scm.azurewebsites.net`);
}
