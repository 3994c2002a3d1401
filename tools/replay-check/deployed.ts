import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TokenCredential } from '@azure/identity';
import { defaultAzureTokens } from '../../infra/deployment/tokens';
import { call, DEFAULT_ARM, siteId, WEB_API_VERSION, type ArmClient, type SiteRef } from '../dashboard/arm';
import { findTarget, type RunPulumi } from '../dashboard/target';
import { DTS_TASKHUB_SETTING } from '../../infra/package/hostJson';
import { readTaskHub, type TaskHubLocation } from './azureStorage/reader';
import type { RecordedInstance } from './instances';

export interface DeployedArgs {
    stack?: string;
    appName?: string;
    resourceGroup?: string;
    subscription?: string;
    /** The app folder whose host.json was deployed (its hubName). */
    app?: string;
}

export interface DeployedDeps {
    arm: ArmClient;
    runPulumi: RunPulumi;
    /** Entra ID for the storage data plane (DefaultAzureCredential: az login, or the pipeline's OIDC login). */
    credential: TokenCredential;
    clientOptions?: TaskHubLocation['clientOptions'];
}

export const SCHEDULER_NOT_SUPPORTED =
    'replay-check cannot read a Durable Task Scheduler task hub yet: the scheduler serves history only over its gRPC API ' +
    '(durabletask-protobuf TaskHubSidecarService, behind Durable Task Data Reader), and this project ships no gRPC client. ' +
    'Check the running instances by hand in the scheduler dashboard, or drain them before a deploy that changes an orchestrator ' +
    '(docs/changing-a-running-workflow.md#the-durable-task-scheduler).';

function defaultDeps(): DeployedDeps {
    const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
    const runPulumi: RunPulumi = (args) =>
        new Promise((resolve, reject) => {
            execFile('pulumi', args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
                if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(err);
                resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
            });
        });
    return {
        arm: { baseUrl: DEFAULT_ARM, fetch, getToken: defaultAzureTokens() },
        runPulumi,
        credential: new DefaultAzureCredential(),
    };
}

/**
 * Web Apps - List Application Settings (POST {site}/config/appsettings/list): needs
 * Microsoft.Web/sites/config/list/action.
 */
async function appSettings(arm: ArmClient, site: SiteRef): Promise<Record<string, string>> {
    const body = (await call(arm, {
        method: 'POST',
        path: `${siteId(site)}/config/appsettings/list`,
        apiVersion: WEB_API_VERSION,
        what: `read the app settings of '${site.appName}' (to find its storage account)`,
        needs: 'It needs Microsoft.Web/sites/config/list/action on the app (Website Contributor or Contributor).',
        notFound: `No function app '${site.appName}' in resource group '${site.resourceGroup}'`,
    })) as { properties?: Record<string, string> };
    return body.properties ?? {};
}

/**
 * The task hub's name as the extension resolves it: host.json `extensions.durableTask.hubName` (`%Setting%`
 * from the app settings), else the site name with everything but letters and digits dropped, `t` in front of a
 * leading digit, at most 45 characters, `Hub` added under 3 (azure-functions-durable-extension
 * src/WebJobs.Extensions.DurableTask/Options/DurableTaskOptions.cs HubName from WEBSITE_SITE_NAME;
 * Options/AzureStorageOptions.cs IsSanitizedHubName).
 */
export function taskHubName(
    hostJson: Record<string, unknown>,
    settings: Record<string, string>,
    siteName: string,
): string {
    const durable = ((hostJson.extensions as Record<string, unknown> | undefined)?.durableTask ?? {}) as {
        hubName?: string;
    };
    const configured = durable.hubName?.replace(/%([^%]+)%/g, (_, key: string) => settings[key] ?? '');
    if (configured) return configured;
    let name = [...siteName].filter((c) => /[\p{L}\p{Nd}]/u.test(c)).join('');
    if (!name) return 'DefaultTaskHub';
    if (/^\p{Nd}/u.test(name)) name = `t${name}`;
    name = name.slice(0, 45);
    return name.length < 3 ? `${name}Hub` : name;
}

/**
 * The storage endpoints of the identity-based AzureWebJobsStorage connection (`__tableServiceUri` /
 * `__blobServiceUri`, else `__accountName` in the public cloud), as infra/components/functionApp.ts sets them.
 */
export function storageEndpoints(settings: Record<string, string>): { tableEndpoint: string; blobEndpoint: string } {
    const account = settings.AzureWebJobsStorage__accountName;
    const table =
        settings.AzureWebJobsStorage__tableServiceUri ?? (account && `https://${account}.table.core.windows.net`);
    const blob =
        settings.AzureWebJobsStorage__blobServiceUri ?? (account && `https://${account}.blob.core.windows.net`);
    if (!table || !blob) {
        const hint = settings.AzureWebJobsStorage
            ? ' AzureWebJobsStorage is a connection string: this project deploys keyless (AzureWebJobsStorage__accountName).'
            : '';
        throw new Error(
            `The app's settings name no storage account (AzureWebJobsStorage__accountName or __tableServiceUri/__blobServiceUri).${hint}`,
        );
    }
    return { tableEndpoint: table, blobEndpoint: blob };
}

/** The unfinished instances of the deployed app's task hub, read from its storage account with Entra ID. */
export async function readDeployed(
    args: DeployedArgs,
    progress: (line: string) => void,
    deps: DeployedDeps = defaultDeps(),
): Promise<RecordedInstance[]> {
    const target = await findTarget(
        { stack: args.stack, app: args.appName, resourceGroup: args.resourceGroup, subscription: args.subscription },
        { ...deps, progress },
    );
    if (target.kind === 'scheduler') throw new Error(SCHEDULER_NOT_SUPPORTED);
    progress(`Reading the app settings of ${target.app.appName} (ARM)…`);
    const settings = await appSettings(deps.arm, target.app);
    if (settings[DTS_TASKHUB_SETTING] && settings.DURABLE_TASK_SCHEDULER_CONNECTION_STRING)
        throw new Error(SCHEDULER_NOT_SUPPORTED);
    const hostFile = path.join(args.app ?? 'app', 'host.json');
    const hostJson = existsSync(hostFile)
        ? (JSON.parse(readFileSync(hostFile, 'utf8')) as Record<string, unknown>)
        : {};
    const taskHub = taskHubName(hostJson, settings, target.app.appName);
    const endpoints = storageEndpoints(settings);
    progress(`Reading task hub ${taskHub} at ${endpoints.tableEndpoint} (Entra ID)…`);
    return readTaskHub({ ...endpoints, taskHub, credential: deps.credential, clientOptions: deps.clientOptions });
}
