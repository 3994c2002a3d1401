import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { integerValue, parseCommandArgs, readArgs, UsageError, type CommandSpec } from '../cli/args';
import { defaultAzureTokens } from '../../infra/deployment/tokens';
import { DashboardError, DEFAULT_ARM, durableSystemKey, type ArmClient } from './arm';
import { startProxy, type KeySource, type RunningProxy } from './proxy';
import { findTarget, type AppTarget, type RunPulumi, type TargetArgs } from './target';

export const USAGE = `usage: npm run dashboard -- --stack <stack> [--allow-actions] [--port <n>]
       npm run dashboard -- --app <name> --resource-group <rg> [--subscription <id>] [--allow-actions] [--port <n>]

  --stack <stack>        the deployed stack (reads its outputs with the Pulumi CLI)
  --app, --resource-group  the function app, when there is no Pulumi CLI or stack here
  --subscription <id>    default: the stack's, else the only one your login sees
  --allow-actions        enable terminate, suspend, resume, raise event, restart, rewind and purge (read-only without it)
  --port <n>             the port on 127.0.0.1 (default 7072; 0 = any free port)`;

export const DASHBOARD_COMMAND = {
    name: 'dashboard',
    usage: USAGE,
    options: {
        stack: { type: 'string' },
        app: { type: 'string' },
        'resource-group': { type: 'string', short: 'g' },
        subscription: { type: 'string' },
        'allow-actions': { type: 'boolean' },
        port: { type: 'string' },
    },
} satisfies CommandSpec;

export interface DashboardArgs extends TargetArgs {
    allowActions: boolean;
    port: number;
}

/** The dashboard's arguments; throws UsageError on bad usage. */
export function parseArgs(argv: string[]): DashboardArgs {
    const { values } = parseCommandArgs(DASHBOARD_COMMAND, argv);
    const args: DashboardArgs = {
        stack: values.stack,
        app: values.app,
        resourceGroup: values['resource-group'],
        subscription: values.subscription,
        allowActions: values['allow-actions'] ?? false,
        port: values.port === undefined ? 7072 : integerValue('--port', values.port, 0, 65535, ' (0 = any free port)'),
    };
    if (args.stack && (args.app || args.resourceGroup))
        throw new UsageError('Give --stack, or --app with --resource-group, not both.');
    if (!args.stack && !(args.app && args.resourceGroup))
        throw new UsageError('Name the app: --stack <stack>, or --app <name> --resource-group <rg>.');
    return args;
}

export interface DashboardDeps {
    arm: ArmClient;
    runPulumi: RunPulumi;
    /** Progress and request lines (stdout). */
    log: (line: string) => void;
    /** Errors (stderr). */
    error: (line: string) => void;
}

/** The app's origin: https, or http for a loopback test host (`127.0.0.1:<port>`). */
export function appOrigin(hostName: string): string {
    const loopback = /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(hostName);
    return `${loopback ? 'http' : 'https'}://${hostName}`;
}

function keySource(arm: ArmClient, app: AppTarget): KeySource {
    let key: Promise<string> | undefined;
    return {
        current: () => (key ??= durableSystemKey(arm, app)),
        refresh: () => (key = durableSystemKey(arm, app)),
    };
}

/**
 * Exit code 0 with the dashboard running (or the scheduler's URL or the help printed), 1 on an error, 2 on bad usage.
 */
export async function run(
    argv: string[],
    deps: DashboardDeps,
): Promise<{ exitCode: number; dashboard?: RunningProxy }> {
    const read = readArgs(DASHBOARD_COMMAND, argv, parseArgs, { out: deps.log, err: deps.error });
    if (!read.ok) return { exitCode: read.exitCode };
    const args = read.value;
    try {
        const target = await findTarget(args, { arm: deps.arm, runPulumi: deps.runPulumi, progress: deps.log });
        if (target.kind === 'scheduler') {
            deps.log(
                `Stack ${args.stack} uses the Durable Task Scheduler backend: its own dashboard shows the orchestrations (needs the ` +
                    `Durable Task Data Contributor role on the scheduler):\n${target.dashboardUrl}`,
            );
            return { exitCode: 0 };
        }
        const { app } = target;
        const keys = keySource(deps.arm, app);
        deps.log(`Reading the Durable extension's system key of ${app.appName} (ARM listkeys)…`);
        await keys.current();
        const upstream = appOrigin(app.hostName);
        const dashboard = await startProxy({
            upstream,
            keys,
            allowActions: args.allowActions,
            label: app.appName,
            port: args.port,
            log: deps.log,
        });
        deps.log(`Checking that ${upstream} answers the Durable API…`);
        const check = await fetch(`${dashboard.url}../instances?top=1`);
        if (!check.ok) {
            const body = (await check.text()).slice(0, 300);
            await dashboard.close();
            throw new DashboardError(
                `${upstream}/runtime/webhooks/durabletask/instances answered HTTP ${check.status}: ${body}`,
            );
        }
        deps.log(
            `Dashboard for ${app.appName} (${args.allowActions ? 'actions allowed' : 'read-only'}): ${dashboard.url}`,
        );
        deps.log('Press Ctrl+C to stop.');
        return { exitCode: 0, dashboard };
    } catch (err) {
        if (!(err instanceof DashboardError)) throw err;
        deps.error(`dashboard: ${err.message}`);
        return { exitCode: 1 };
    }
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The real Pulumi CLI, in the project folder (Pulumi.yaml). */
export const pulumiCli: RunPulumi = (args) =>
    new Promise((resolve, reject) => {
        execFile('pulumi', args, { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
            if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(err);
            resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) || 1 : 0, stdout, stderr });
        });
    });

/** `npm run dashboard`: the user's Entra login (DefaultAzureCredential, as the deploy), public ARM. */
export async function main(argv: string[]): Promise<number> {
    const arm: ArmClient = { baseUrl: DEFAULT_ARM, fetch, getToken: defaultAzureTokens() };
    const log = (line: string): void => void process.stdout.write(`${line}\n`);
    const result = await run(argv, {
        arm,
        runPulumi: pulumiCli,
        log,
        error: (line) => void process.stderr.write(`${line}\n`),
    });
    if (!result.dashboard) return result.exitCode;
    const dashboard = result.dashboard;
    await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
    });
    await dashboard.close();
    return 0;
}
