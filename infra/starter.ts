import * as pulumi from '@pulumi/pulumi';
import * as web from '@pulumi/azure-native/web';
import { starterOf, type AppManifest } from './package/manifest';

/**
 * How to reach the app's HTTP starter once it is deployed, from the app's manifest (the functions the
 * package registers): the API's base URL, the starter's route template, and its function key when it
 * needs one. Nothing here names a function of a particular app.
 */
export interface StarterArgs {
    manifest: AppManifest;
    appName: pulumi.Input<string>;
    resourceGroupName: pulumi.Input<string>;
    defaultHostName: pulumi.Input<string>;
    /**
     * A value that resolves once the code is deployed (e.g. the deployment's id): the host creates its
     * keys when it first starts, so the keys are read only after it.
     */
    deployed: pulumi.Input<unknown>;
}

export interface StarterOutputs {
    /** `https://<host>/<routePrefix>`: every HTTP function's route is relative to it. */
    apiBaseUrl: pulumi.Output<string>;
    /** The starter's route, e.g. `orchestrators/{functionName}`; '' when the app has no starter. */
    starterRouteTemplate: pulumi.Output<string>;
    /** The starter's own `default` function key, a Pulumi secret; '' when it is anonymous (or absent). */
    starterKey: pulumi.Output<string>;
}

export interface KeyRetry {
    attempts: number;
    /** Delay after attempt n: n × delayMs. */
    delayMs: number;
    sleep: (ms: number) => Promise<void>;
}

const DEFAULT_RETRY: KeyRetry = {
    attempts: 6,
    delayMs: 5_000,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A function's own 'default' key: least privilege, where a host key would open every function of the
 * app. Right after a first deployment the host may still be starting or indexing the functions: ARM's
 * listkeys then fails ("Encountered an error (ServiceUnavailable) from host runtime", or not found) or
 * has no key yet, so it is retried a bounded number of times (about 75 s in all by default).
 */
export async function readFunctionKey(
    functionName: string,
    read: () => Promise<web.ListWebAppFunctionKeysResult>,
    retry: KeyRetry = DEFAULT_RETRY,
): Promise<string> {
    let last = '';
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
        try {
            const key = (await read()).properties?.default;
            if (key) return key;
            last = `the function ${functionName} has no 'default' key yet`;
        } catch (err) {
            last = err instanceof Error ? err.message : String(err);
        }
        if (attempt < retry.attempts) await retry.sleep(retry.delayMs * attempt);
    }
    throw new Error(
        `Could not read the 'default' key of the function ${functionName} after ${retry.attempts} attempts (last: ${last}). ` +
            'The host creates the keys when it first starts with the deployed code; run `pulumi up` again in a minute.',
    );
}

/**
 * The starter outputs. The key is always a Pulumi secret, also when empty: its secret-ness does not depend
 * on config, which avoids a leak when someone switches auth levels.
 */
export function starterOutputs(args: StarterArgs, retry?: KeyRetry): StarterOutputs {
    const prefix = args.manifest.routePrefix;
    const apiBaseUrl = pulumi.interpolate`https://${args.defaultHostName}${prefix ? `/${prefix}` : ''}`;
    const starter = starterOf(args.manifest);
    const starterRouteTemplate = pulumi.output(starter?.route ?? '');
    if (!starter || starter.authLevel === 'anonymous') {
        return {
            apiBaseUrl,
            starterRouteTemplate,
            starterKey: pulumi.secret(pulumi.all([args.deployed]).apply(() => '')),
        };
    }
    if (pulumi.runtime.isDryRun()) {
        return { apiBaseUrl, starterRouteTemplate, starterKey: keyUnknownInPreview() };
    }
    const key = pulumi
        .all([args.appName, args.resourceGroupName, args.deployed])
        .apply(([name, resourceGroupName]) =>
            readFunctionKey(
                starter.name,
                () => web.listWebAppFunctionKeys({ name, resourceGroupName, functionName: starter.name }),
                retry,
            ),
        );
    return { apiBaseUrl, starterRouteTemplate, starterKey: pulumi.secret(key) };
}

/**
 * A preview never reads the key, so the read-only preview identity needs no listkeys right (docs/ci-cd.md):
 * the output is an unknown secret, which the preview shows as a computed value. An Output whose value
 * contains `pulumi.unknown` is not known (@pulumi/pulumi output.js, the Output constructor: "We are only
 * known if we are not explicitly unknown and the resolved value of the output contains no distinguished
 * unknown values"), and an unknown stack output is sent to the engine as the unknown sentinel.
 */
function keyUnknownInPreview(): pulumi.Output<string> {
    return pulumi.secret(pulumi.output(pulumi.unknown as unknown as string));
}
