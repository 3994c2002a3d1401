import * as pulumi from '@pulumi/pulumi';
import * as web from '@pulumi/azure-native/web';
import type { StarterAuthLevel } from '../app/src/lib/authLevel';

export const STARTER_ORCHESTRATOR = 'hello_orchestrator';

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
 * The 'default' host function key. Right after a first deployment the host may still be starting:
 * ARM's listkeys then fails ("Encountered an error (ServiceUnavailable) from host runtime") or has
 * no key yet, so it is retried a bounded number of times (about 75 s in all by default).
 */
export async function readDefaultHostKey(read: () => Promise<web.ListWebAppHostKeysResult>, retry: KeyRetry = DEFAULT_RETRY): Promise<string> {
    let last = '';
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
        try {
            const key = (await read()).functionKeys?.default;
            if (key) return key;
            last = "the host has no 'default' function key yet";
        } catch (err) {
            last = err instanceof Error ? err.message : String(err);
        }
        if (attempt < retry.attempts) await retry.sleep(retry.delayMs * attempt);
    }
    throw new Error(
        `Could not read the function app's 'default' host key after ${retry.attempts} attempts (last: ${last}). ` +
            'The host creates its keys when it first starts; run `pulumi up` again in a minute.',
    );
}

/**
 * `https://<host>/api/orchestrators/hello_orchestrator`, with `?code=<default host function key>` when the
 * starter requires a function key. Always a Pulumi secret: it is a credential when it carries the key,
 * and keeping its secret-ness independent of config avoids a leak when someone switches auth levels.
 */
export function starterUrl(args: StarterUrlArgs, retry?: KeyRetry): pulumi.Output<string> {
    const base = pulumi.interpolate`https://${args.defaultHostName}/api/orchestrators/${STARTER_ORCHESTRATOR}`;
    if (args.authLevel === 'anonymous') {
        return pulumi.secret(base);
    }
    const url = pulumi.all([base, args.appName, args.resourceGroupName, args.deployed]).apply(async ([url, name, resourceGroupName]) => {
        const key = await readDefaultHostKey(() => web.listWebAppHostKeys({ name, resourceGroupName }), retry);
        return `${url}?code=${encodeURIComponent(key)}`;
    });
    return pulumi.secret(url);
}
