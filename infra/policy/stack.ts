import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';
import { reportOn, types, type Props } from './report';

/** True when `setting` (a WebAppFtpAllowed, app settings, ... resource keyed by app name) belongs to `app`. */
function belongsTo(setting: PolicyResource, app: PolicyResource): boolean {
    if (setting.parent === app || setting.dependencies.includes(app)) return true;
    return setting.props.name !== undefined && setting.props.name === app.props.name;
}

/** App settings of a site: inline `siteConfig.appSettings` plus any WebAppApplicationSettings resource for it. */
export function appSettingsOf(app: PolicyResource, resources: PolicyResource[]): Map<string, unknown> {
    const settings = new Map<string, unknown>();
    for (const { name, value } of (app.props.siteConfig?.appSettings ?? []) as Props[]) settings.set(name, value);
    for (const r of resources) {
        if (r.type === types.appSettings && belongsTo(r, app)) {
            for (const [name, value] of Object.entries((r.props.properties ?? {}) as Props)) settings.set(name, value);
        }
    }
    return settings;
}

const sites = (resources: PolicyResource[]) => resources.filter((r) => r.type === types.webApp);

export const stackPolicies: StackValidationPolicy[] = [
    {
        name: 'basic-publishing-credentials-disabled',
        description:
            'Every function app turns FTP and SCM basic-auth publishing credentials off (WebAppFtpAllowed and WebAppScmAllowed with allow: false); deployments use Entra tokens.',
        validateStack: ({ resources }, report) => {
            for (const app of sites(resources)) {
                const fail = reportOn(app, report);
                for (const [type, resourceName] of [
                    [types.ftpAllowed, 'web.WebAppFtpAllowed'],
                    [types.scmAllowed, 'web.WebAppScmAllowed'],
                ]) {
                    const policies = resources.filter((r) => r.type === type && belongsTo(r, app));
                    if (policies.length === 0)
                        fail(
                            `has no ${resourceName}, so ${resourceName === 'web.WebAppFtpAllowed' ? 'FTP' : 'SCM'} basic auth stays on (Azure's default)`,
                            `add a ${resourceName} for this app with allow: false`,
                        );
                    for (const p of policies.filter((r) => r.props.allow !== false)) {
                        fail(
                            `${resourceName} "${p.name}" sets allow: ${String(p.props.allow)}`,
                            `set allow: false on ${p.name}`,
                        );
                    }
                }
            }
        },
    },
    {
        name: 'function-app-identity-based-storage',
        description:
            'The host reaches its storage with the managed identity: AzureWebJobsStorage__accountName (or __blobServiceUri) and __credential=managedidentity, never an AzureWebJobsStorage connection string.',
        validateStack: ({ resources }, report) => {
            for (const app of sites(resources)) {
                const fail = reportOn(app, report);
                const settings = appSettingsOf(app, resources);
                if (settings.has('AzureWebJobsStorage')) {
                    fail(
                        'sets AzureWebJobsStorage, a connection string',
                        'remove it and set AzureWebJobsStorage__accountName and AzureWebJobsStorage__credential=managedidentity',
                    );
                }
                if (
                    !settings.has('AzureWebJobsStorage__accountName') &&
                    !settings.has('AzureWebJobsStorage__blobServiceUri')
                ) {
                    fail(
                        'has no AzureWebJobsStorage__accountName app setting',
                        'set AzureWebJobsStorage__accountName to the storage account name',
                    );
                }
                if (settings.get('AzureWebJobsStorage__credential') !== 'managedidentity') {
                    fail(
                        `AzureWebJobsStorage__credential is ${String(settings.get('AzureWebJobsStorage__credential'))}`,
                        'set AzureWebJobsStorage__credential=managedidentity (and AzureWebJobsStorage__clientId for a user-assigned identity)',
                    );
                }
            }
        },
    },
];
