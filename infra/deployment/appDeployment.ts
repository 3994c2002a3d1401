import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { buildPackage, type AppManifest, type DurableBackend } from '../package';
import { oneDeployProvider, type DeploymentInputs, type DeploymentStatus } from './provider';

export interface AppDeploymentArgs {
    /** The function app's name. */
    appName: pulumi.Input<string>;
    /** The app's SCM host; see {@link scmHostFor}. */
    scmHost: pulumi.Input<string>;
    /** The app's deployment container URL (FunctionApp.deploymentContainerUrl): a new one redeploys. */
    deploymentContainerUrl: pulumi.Input<string>;
    /**
     * The app's ARM id: the deployment finishes once its function list shows every function of the package's manifest.
     */
    siteId: pulumi.Input<string>;
    /** The function app folder (host.json, package.json, src/functions/) to package. */
    appDir: string;
    /** Decides the deployed host.json. */
    durableBackend: DurableBackend;
    /** The Node major the app runs on; the bundle targets it (default 22). */
    nodeVersion?: string;
    /** Where the zip is written; default `dist/` next to appDir. */
    outDir?: string;
    /**
     * App settings the app reads while it registers its functions (e.g. an auth level): the manifest is indexed with
     * them.
     */
    appSettings?: Record<string, string>;
}

type OneDeploymentArgs = { [K in keyof DeploymentInputs]: pulumi.Input<DeploymentInputs[K]> };

class OneDeployment extends pulumi.dynamic.Resource {
    declare readonly deploymentId: pulumi.Output<string>;
    declare readonly packageSha256: pulumi.Output<string>;
    declare readonly status: pulumi.Output<DeploymentStatus>;
    declare readonly log: pulumi.Output<string>;
    declare readonly functions: pulumi.Output<string[]>;

    constructor(name: string, args: OneDeploymentArgs, opts?: pulumi.CustomResourceOptions) {
        const outputs = { deploymentId: undefined, status: undefined, log: undefined, functions: undefined };
        super(oneDeployProvider, name, { ...args, ...outputs }, opts, 'durable-hello', 'OneDeploy');
    }
}

/**
 * Builds the app's package and deploys it to a Flex Consumption app with One Deploy, once per package
 * sha256. The zip is built on every run (about 0.2 s) and byte-reproducible, so new code always deploys
 * and unchanged code deploys nothing.
 * Pass the function app and its role assignments in `dependsOn`: the upload needs both.
 */
export class AppDeployment extends pulumi.ComponentResource {
    /** Kudu's id of the deployment; resolves only once the deployment succeeded and the app lists its functions. */
    readonly deploymentId: pulumi.Output<string>;
    readonly packageSha256: pulumi.Output<string>;
    /** `success`, or `partialSuccess` (the package is live but a step failed: read `log`). */
    readonly status: pulumi.Output<DeploymentStatus>;
    /** The deployment's last 50 log lines: publish attempts, retries, and a partial success's Kudu log. No token. */
    readonly log: pulumi.Output<string>;
    /** The functions the app listed after the deployment. */
    readonly functions: pulumi.Output<string[]>;
    /** The package's manifest: the functions the app registers, as the host indexes them. */
    readonly manifest: AppManifest;

    constructor(name: string, args: AppDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
        super('durable-hello:deployment:AppDeployment', name, {}, opts);
        const zipName = args.durableBackend === 'azureStorage' ? 'app.zip' : `app-${args.durableBackend}.zip`;
        const appPackage = buildPackage({
            appDir: args.appDir,
            outFile: path.join(args.outDir ?? path.join(path.dirname(path.resolve(args.appDir)), 'dist'), zipName),
            durableBackend: args.durableBackend,
            nodeVersion: args.nodeVersion,
            appSettings: args.appSettings,
        });
        this.manifest = appPackage.manifest;
        const inputs: OneDeploymentArgs = {
            appName: args.appName,
            scmHost: args.scmHost,
            deploymentContainerUrl: args.deploymentContainerUrl,
            packagePath: appPackage.path,
            packageSha256: appPackage.sha256,
            siteId: args.siteId,
            expectedFunctions: expectedFunctionsOf(appPackage.manifest),
        };
        // A component's dependsOn does not hold back its children: pass it on explicitly.
        const deployment = new OneDeployment(`${name}-onedeploy`, inputs, { parent: this, dependsOn: opts?.dependsOn });
        this.deploymentId = deployment.deploymentId;
        this.packageSha256 = deployment.packageSha256;
        this.status = deployment.status;
        this.log = deployment.log;
        this.functions = deployment.functions;
        this.registerOutputs({
            deploymentId: this.deploymentId,
            packageSha256: this.packageSha256,
            status: this.status,
            log: this.log,
            functions: this.functions,
        });
    }

    /** `value`, available only after the deployment finished: e.g. the starter's outputs. */
    after<T>(value: pulumi.Input<T>): pulumi.Output<T> {
        return pulumi.all([value, this.deploymentId]).apply(([v]) => v as T);
    }
}

/** Exactly the functions the package registers: the deployment waits until the host lists each one. */
export function expectedFunctionsOf(manifest: AppManifest): string[] {
    return manifest.functions.map((f) => f.name);
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
