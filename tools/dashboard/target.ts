import { appHostName, DashboardError, onlySubscription, type ArmClient, type SiteRef } from './arm';

/** Runs the Pulumi CLI; rejects with `code: 'ENOENT'` when it is not installed. */
export type RunPulumi = (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

export interface TargetArgs {
    stack?: string;
    app?: string;
    resourceGroup?: string;
    subscription?: string;
}

export interface AppTarget extends SiteRef {
    /** e.g. func-hello-ab12.azurewebsites.net */
    hostName: string;
}

export type Target = { kind: 'app'; app: AppTarget } | { kind: 'scheduler'; dashboardUrl: string };

/** The stack outputs infra/index.ts exports that the dashboard reads. */
interface StackOutputs {
    functionAppName?: unknown;
    resourceGroupName?: unknown;
    defaultHostName?: unknown;
    functionAppId?: unknown;
    schedulerDashboardUrl?: unknown;
}

const INSTALL_PULUMI =
    'Install the Pulumi CLI (https://www.pulumi.com/docs/iac/download-install/) and log in to the backend that holds the stack, ' +
    'or name the app yourself: --app <name> --resource-group <rg>.';

/** `pulumi stack output --json --stack <stack>`: secrets stay `[secret]` (no --show-secrets), none is needed. */
export async function readStackOutputs(stack: string, runPulumi: RunPulumi): Promise<StackOutputs> {
    let result: Awaited<ReturnType<RunPulumi>>;
    try {
        result = await runPulumi(['stack', 'output', '--json', '--stack', stack]);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT')
            throw new DashboardError(`The Pulumi CLI (pulumi) is not on PATH. ${INSTALL_PULUMI}`);
        throw new DashboardError(`Could not run the Pulumi CLI: ${(err as Error).message}. ${INSTALL_PULUMI}`);
    }
    if (result.code !== 0) {
        const reason = result.stderr.trim().split('\n').slice(-3).join(' ') || `exit code ${result.code}`;
        throw new DashboardError(
            `\`pulumi stack output --stack ${stack}\` failed: ${reason}. Check the stack name (\`pulumi stack ls\`) and \`pulumi login\`.`,
        );
    }
    try {
        const outputs = JSON.parse(result.stdout) as unknown;
        if (outputs && typeof outputs === 'object' && !Array.isArray(outputs)) return outputs as StackOutputs;
    } catch {
        // falls through
    }
    throw new DashboardError(`\`pulumi stack output --json --stack ${stack}\` did not print a JSON object.`);
}

const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value && value !== '[secret]' ? value : undefined;

/** The subscription in an ARM id (/subscriptions/<id>/...). */
const subscriptionOf = (id: string | undefined): string | undefined =>
    id ? /^\/subscriptions\/([^/]+)\//i.exec(id)?.[1] : undefined;

export interface TargetDeps {
    arm: ArmClient;
    runPulumi: RunPulumi;
    progress: (line: string) => void;
}

/**
 * Finds the app: from the stack's outputs, or the names given; the subscription from the flag, the outputs or the
 * login's only one.
 */
export async function findTarget(args: TargetArgs, deps: TargetDeps): Promise<Target> {
    let appName = args.app;
    let resourceGroup = args.resourceGroup;
    let hostName: string | undefined;
    let subscriptionId = args.subscription;
    if (args.stack) {
        deps.progress(`Reading the outputs of stack ${args.stack} (pulumi stack output)…`);
        const outputs = await readStackOutputs(args.stack, deps.runPulumi);
        const scheduler = text(outputs.schedulerDashboardUrl);
        if (scheduler) return { kind: 'scheduler', dashboardUrl: scheduler };
        appName = text(outputs.functionAppName);
        resourceGroup = text(outputs.resourceGroupName);
        hostName = text(outputs.defaultHostName);
        subscriptionId ??= subscriptionOf(text(outputs.functionAppId));
        if (!appName || !resourceGroup || !hostName) {
            throw new DashboardError(
                `Stack ${args.stack} has no functionAppName, resourceGroupName and defaultHostName outputs: deploy it first (\`pulumi up --stack ${args.stack}\`).`,
            );
        }
    }
    if (!appName || !resourceGroup)
        throw new DashboardError('Name the app: --stack <stack>, or --app <name> --resource-group <rg>.');
    if (!subscriptionId) {
        deps.progress('Finding your subscription (ARM: list subscriptions)…');
        subscriptionId = await onlySubscription(deps.arm);
    }
    const site: SiteRef = { subscriptionId, resourceGroup, appName };
    if (!hostName) {
        deps.progress(`Finding the function app ${appName} in ${resourceGroup}…`);
        hostName = await appHostName(deps.arm, site);
    }
    return { kind: 'app', app: { ...site, hostName } };
}
