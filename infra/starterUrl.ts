import * as pulumi from '@pulumi/pulumi';
import * as web from '@pulumi/azure-native/web';
import type { StarterAuthLevel } from '../app/src/lib/authLevel';

export const STARTER_ORCHESTRATOR = 'hello_orchestrator';
/** The app's HTTP starter (app/src/functions/http_start.ts): its own key opens only it. */
export const STARTER_FUNCTION = 'http_start';
/** Every function the app defines (app/src/functions/<name>.ts registers <name>): the deployment waits until the host lists each. */
export const APP_FUNCTIONS = [STARTER_ORCHESTRATOR, 'hello', STARTER_FUNCTION];

export interface StarterUrlArgs {
    appName: pulumi.Input<string>;
    resourceGroupName: pulumi.Input<string>;
    defaultHostName: pulumi.Input<string>;
    authLevel: StarterAuthLevel;
    /**
     * A value that resolves once the code is deployed (e.g. the deployment's id): the host creates its
     * keys when it first starts, so the keys are read only after it.
     */
    deployed: pulumi.Input<unknown>;
}

export interface KeyRetry {
    attempts: number;
    /** Delay after attempt n: n × delayMs. */
    delayMs: number;
    sleep: (ms: number) => Promise<void>;
}

const DEFAULT_RETRY: KeyRetry = { attempts: 6, delayMs: 5_000, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * The starter function's own 'default' key: least privilege, where a host key would open every function
 * of the app. Right after a first deployment the host may still be starting or indexing the functions:
 * ARM's listkeys then fails ("Encountered an error (ServiceUnavailable) from host runtime", or not
 * found) or has no key yet, so it is retried a bounded number of times (about 75 s in all by default).
 */
export async function readStarterKey(read: () => Promise<web.ListWebAppFunctionKeysResult>, retry: KeyRetry = DEFAULT_RETRY): Promise<string> {
    let last = '';
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
        try {
            const key = (await read()).properties?.default;
            if (key) return key;
            last = `the function ${STARTER_FUNCTION} has no 'default' key yet`;
        } catch (err) {
            last = err instanceof Error ? err.message : String(err);
        }
        if (attempt < retry.attempts) await retry.sleep(retry.delayMs * attempt);
    }
    throw new Error(
        `Could not read the 'default' key of the function ${STARTER_FUNCTION} after ${retry.attempts} attempts (last: ${last}). ` +
            'The host creates the keys when it first starts with the deployed code; run `pulumi up` again in a minute.',
    );
}

/**
 * `https://<host>/api/orchestrators/hello_orchestrator`, with `?code=<http_start's default key>` when the
 * starter requires a function key. Always a Pulumi secret: it is a credential when it carries the key,
 * and keeping its secret-ness independent of config avoids a leak when someone switches auth levels.
 */
export function starterUrl(args: StarterUrlArgs, retry?: KeyRetry): pulumi.Output<string> {
    const base = pulumi.interpolate`https://${args.defaultHostName}/api/orchestrators/${STARTER_ORCHESTRATOR}`;
    if (args.authLevel === 'anonymous') {
        return pulumi.secret(base);
    }
    const url = pulumi.all([base, args.appName, args.resourceGroupName, args.deployed]).apply(async ([url, name, resourceGroupName]) => {
        const key = await readStarterKey(() => web.listWebAppFunctionKeys({ name, resourceGroupName, functionName: STARTER_FUNCTION }), retry);
        return `${url}?code=${encodeURIComponent(key)}`;
    });
    return pulumi.secret(url);
}
