import * as path from 'node:path';
import { parseCommandArgs, readArgs, UsageError, type CommandSpec } from '../cli/args';
import { hostSettings } from '../local-host/app-loading/hostSettings';
import { isTerminal } from '../local-host/store/store';
import { KitFunctions } from '../testing/activities';
import { loadAppInProcess } from '../testing/inProcessApp';
import { textReport } from './describe';
import { readHistoryFolder, writeHistoryFolder, type RecordedInstance } from './instances';
import { readLocalData } from './localData';
import { replayAll, type InstanceReport, type ReplayTarget } from './replay';
import { readDeployed, type DeployedArgs } from './deployed';

export const USAGE = `usage: npm run replay-check -- [sources] [--app <dir>] [--instance <id>[,<id>...]] [--save <dir>] [--json]

Replays the history of every unfinished orchestration instance against the current build of the app
and reports each one as compatible, would break (with the first step where the new code differs) or
protected by versioning (with what host.json's versionFailureStrategy will do to it).

sources (one or more):
  --histories <dir>          recorded histories (<instanceId>.history.json files, written by --save)
  --data <dir>               the local host's data directory (npm start's --data; default .durable-local)
  --stack <stack>            the deployed app of a Pulumi stack (reads the task hub with your Entra login)
  --app-name <name> --resource-group <rg> [--subscription <id>]
                             the deployed app, named (when there is no Pulumi CLI or stack here)

options:
  --app <dir>                the app to check against (default app)
  --instance <id>[,<id>...]  only these instances
  --save <dir>               also write the instances read as recorded histories into <dir>
  --json                     print the report as JSON

exit status: 0 nothing would break, 1 some instance would break, 2 bad arguments or a source that cannot be read`;

export const REPLAY_CHECK_COMMAND = {
    name: 'replay-check',
    usage: USAGE,
    options: {
        app: { type: 'string' },
        histories: { type: 'string' },
        data: { type: 'string' },
        stack: { type: 'string' },
        'app-name': { type: 'string' },
        'resource-group': { type: 'string', short: 'g' },
        subscription: { type: 'string' },
        instance: { type: 'string' },
        save: { type: 'string' },
        json: { type: 'boolean' },
    },
} satisfies CommandSpec;

export interface CheckArgs extends DeployedArgs {
    app: string;
    histories: string[];
    data: string[];
    instances: string[];
    save?: string;
    json: boolean;
}

/** replay-check's arguments; throws UsageError on bad usage. */
export function parseArgs(argv: string[], cwd = process.cwd()): CheckArgs {
    const { values } = parseCommandArgs(REPLAY_CHECK_COMMAND, argv);
    const args: CheckArgs = {
        app: path.resolve(cwd, values.app ?? 'app'),
        histories: values.histories === undefined ? [] : [path.resolve(cwd, values.histories)],
        data: values.data === undefined ? [] : [path.resolve(cwd, values.data)],
        stack: values.stack,
        appName: values['app-name'],
        resourceGroup: values['resource-group'],
        subscription: values.subscription,
        instances:
            values.instance === undefined
                ? []
                : values.instance
                      .split(',')
                      .map((id) => id.trim())
                      .filter(Boolean),
        save: values.save === undefined ? undefined : path.resolve(cwd, values.save),
        json: values.json ?? false,
    };
    if (args.stack && (args.appName || args.resourceGroup))
        throw new UsageError('Give --stack, or --app-name with --resource-group, not both.');
    if (!args.stack && Boolean(args.appName) !== Boolean(args.resourceGroup))
        throw new UsageError('--app-name and --resource-group go together.');
    if (args.histories.length + args.data.length === 0 && !args.stack && !args.appName) {
        throw new UsageError(
            'Name at least one source: --histories <dir>, --data <dir>, --stack <stack> or --app-name <name> --resource-group <rg>.',
        );
    }
    return args;
}

export interface CheckDeps {
    out: (text: string) => void;
    err: (text: string) => void;
    /** Reads the deployed task hub (tests give it fake ARM and Azurite). */
    readDeployed?: (args: CheckArgs, progress: (line: string) => void) => Promise<RecordedInstance[]>;
}

/** The new build, loaded in this process as the test kit loads it (TypeScript sources, esbuild). */
export async function loadTarget(appDir: string): Promise<ReplayTarget> {
    const { core, clock, hostJson } = await loadAppInProcess(appDir, () => undefined);
    return { functions: new KitFunctions(core, clock, {}), versioning: hostSettings(hostJson).versioning };
}

async function readSources(args: CheckArgs, deps: CheckDeps): Promise<RecordedInstance[]> {
    const instances: RecordedInstance[] = [];
    for (const dir of args.histories) instances.push(...readHistoryFolder(dir));
    for (const dir of args.data) instances.push(...(await readLocalData(dir)));
    if (args.stack || args.appName)
        instances.push(...(await (deps.readDeployed ?? readDeployed)(args, (line) => deps.err(`${line}\n`))));
    const wanted = new Set(args.instances);
    // A finished instance never replays again: nothing to check.
    return instances.filter((i) => !isTerminal(i) && (wanted.size === 0 || wanted.has(i.instanceId)));
}

export function exitCode(reports: InstanceReport[]): number {
    return reports.some((r) => r.verdict === 'breaks') ? 1 : 0;
}

export async function main(
    argv: string[],
    deps: CheckDeps = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) },
): Promise<number> {
    const read = readArgs(REPLAY_CHECK_COMMAND, argv, (a) => parseArgs(a), {
        out: (t) => deps.out(`${t}\n`),
        err: (t) => deps.err(`${t}\n`),
    });
    if (!read.ok) return read.exitCode;
    const args = read.value;
    try {
        const instances = await readSources(args, deps);
        if (args.save)
            for (const file of writeHistoryFolder(args.save, instances))
                deps.err(`saved ${path.relative(process.cwd(), file)}\n`);
        const reports = await replayAll(await loadTarget(args.app), instances);
        if (args.json) deps.out(`${JSON.stringify({ ok: exitCode(reports) === 0, instances: reports }, null, 2)}\n`);
        else deps.out(textReport(reports));
        return exitCode(reports);
    } catch (err) {
        deps.err(`replay-check: ${(err as Error).message}\n`);
        return 2;
    }
}
