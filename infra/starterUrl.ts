import * as pulumi from '@pulumi/pulumi';
import * as web from '@pulumi/azure-native/web';
import type { StarterAuthLevel } from '../app/src/lib/authLevel';

export const STARTER_ORCHESTRATOR = 'hello_orchestrator';

export interface StarterUrlArgs {
    appName: pulumi.Input<string>;
    resourceGroupName: pulumi.Input<string>;
    defaultHostName: pulumi.Input<string>;
    authLevel: StarterAuthLevel;
    /** Read the keys only once these exist (e.g. the code deployment): the host creates its keys when it starts. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * `https://<host>/api/orchestrators/hello_orchestrator`, with `?code=<default host function key>` when the
 * starter requires a function key. Always a Pulumi secret: it is a credential when it carries the key,
 * and keeping its secret-ness independent of config avoids a leak when someone switches auth levels.
 */
export function starterUrl(args: StarterUrlArgs): pulumi.Output<string> {
    const base = pulumi.interpolate`https://${args.defaultHostName}/api/orchestrators/${STARTER_ORCHESTRATOR}`;
    if (args.authLevel === 'anonymous') {
        return pulumi.secret(base);
    }
    const keys = web.listWebAppHostKeysOutput(
        { name: args.appName, resourceGroupName: args.resourceGroupName },
        { dependsOn: args.dependsOn },
    );
    const url = pulumi.all([base, keys]).apply(([url, k]) => {
        const key = k.functionKeys?.default;
        if (!key) {
            throw new Error(`The function app has no 'default' host function key yet; run pulumi up again once the app has started.`);
        }
        return `${url}?code=${encodeURIComponent(key)}`;
    });
    return pulumi.secret(url);
}
