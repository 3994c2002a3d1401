import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { integerValue, parseCommandArgs, readArgs, type CommandSpec } from '../cli/args';
import { redactSecrets } from '../cli/redact';
import { hostSettings } from './app-loading/hostSettings';
import { loadApp } from './app-loading/loadApp';
import { durableApi } from './durable-api/router';
import { Engine } from './engine/engine';
import { functionIndex } from './http/functionIndex';
import { functionRoutes } from './http/functionRoutes';
import { functionsHandler } from './http/functionsHandler';
import { createHostServer, listen, PortInUseError } from './http/server';
import { dashboardHandler, dashboardLine, LOCAL_DASHBOARD } from './dashboard/serve';
import { startWatch } from './dev/devLoop';
import { localExtensions } from './localExtensions';
import { logUnhandledRejections, stopOnSignals } from './processPolicy';
import { startupBanner } from './startupBanner';
import { loadOrCreateSystemKey, newRpcPath, SECRETS_FILE, SYSTEM_KEY_NAME, systemKeyGate } from './systemKey';
import { WEBHOOK_PATH } from './durable-api/clientBinding';
import { lockDataDir } from './store/dataDirLock';
import { SqliteStore } from './store/sqliteStore';
import type { InstanceRecord } from './store/store';
import { logSinkTo } from './worker-process/functionsCore';

export const DEFAULT_INSPECTOR_PORT = 9229;

interface Flags {
    port: number;
    app: string;
    data: string;
    host: string;
    /** Inspector port (`--inspect[=port]`); undefined when not debugging. */
    inspect?: number;
    watch: boolean;
    /** Require the Durable extension's system key on /runtime/webhooks/durabletask, as Azure does. */
    requireSystemKey: boolean;
}

export const LOCAL_HOST_COMMAND = {
    name: 'local-host',
    usage: `usage: npm start -- [--port <n>] [--app <dir>] [--data <dir>] [--host <address>] [--inspect[=<port>]] [--watch] [--require-system-key]

  --port <n>             the port (default 7071; 0 = any free port)
  --app <dir>            the function app's folder (default app)
  --data <dir>           where instances and their history are kept (default .durable-local)
  --host <address>       the address to listen on (default 127.0.0.1)
  --inspect[=<port>]     run the app's worker under the inspector (default port ${DEFAULT_INSPECTOR_PORT})
  --watch                rebuild and reload the app on save (npm run dev)
  --require-system-key   require the Durable extension's system key on /runtime/webhooks/durabletask, as Azure does`,
    options: {
        port: { type: 'string' },
        app: { type: 'string' },
        data: { type: 'string' },
        host: { type: 'string' },
        inspect: { type: 'string' },
        watch: { type: 'boolean' },
        'require-system-key': { type: 'boolean' },
    },
    optionalValues: { inspect: String(DEFAULT_INSPECTOR_PORT) },
} satisfies CommandSpec;

const portNumber = (text: string, flag: string): number => integerValue(flag, text, 0, 65535, ' (0 = any free port)');

/** The flags of `argv`; throws UsageError on bad usage (and for `--help`, which `main` answers first). */
export function parseFlags(argv: string[], cwd: string): Flags {
    const { values } = parseCommandArgs(LOCAL_HOST_COMMAND, argv);
    const flags: Flags = {
        port: values.port === undefined ? 7071 : portNumber(values.port, '--port'),
        app: values.app ?? 'app',
        data: values.data ?? '.durable-local',
        host: values.host ?? '127.0.0.1',
        inspect: values.inspect === undefined ? undefined : portNumber(values.inspect, '--inspect=<port>'),
        watch: values.watch ?? false,
        requireSystemKey: values['require-system-key'] ?? false,
    };
    return { ...flags, app: path.resolve(cwd, flags.app), data: path.resolve(cwd, flags.data) };
}

/** `workerScript`: the compiled worker entry (worker-process/workerMain.ts), which runs the app in its own process. */
/**
 * An address this host answers on from this machine, as a URL host (a wildcard listen address answers on 127.0.0.1).
 */
export function loopbackAddress(listenHost: string): string {
    if (['0.0.0.0', '::', 'localhost', ''].includes(listenHost)) return '127.0.0.1';
    return listenHost.includes(':') ? `[${listenHost}]` : listenHost;
}

export async function main(argv: string[], workerScript: string): Promise<void> {
    const read = readArgs(LOCAL_HOST_COMMAND, argv, (args) => parseFlags(args, process.cwd()));
    if (!read.ok) {
        process.exitCode = read.exitCode;
        return;
    }
    const flags = read.value;
    // No line carries a key: the system key, the durable client's secret path and any `code=` are redacted.
    const secrets: string[] = [];
    const log = (message: string): void =>
        void process.stdout.write(`[${new Date().toISOString()}] ${redactSecrets(message, secrets)}\n`);
    const appLog = logSinkTo(log);
    logUnhandledRejections(log);
    mkdirSync(flags.data, { recursive: true });
    lockDataDir(flags.data);
    const buildDir = path.join(flags.data, 'build');
    const store = new SqliteStore(flags.data, (message) => log(`store: ${message}`));
    let saved: Promise<InstanceRecord[]> | undefined;
    // Reading the instances (thousands after a while) overlaps with the worker's start.
    const whileWorkerStarts = (): void => void (saved = store.loadAll()).catch(() => undefined);
    const app = await loadApp(flags.app, buildDir, {
        workerScript,
        inspectPort: flags.inspect,
        log: appLog,
        whileWorkerStarts,
        redeliveryLog: store.redeliveries,
    });
    const { functions } = app;
    const { taskHubName, defaultVersion, routePrefix, versioning } = hostSettings(app.hostJson);
    const engine = new Engine(functions, store, { log, defaultVersion, versioning });
    let port = flags.port;
    const origin = (): string => `http://localhost:${port}`;
    const systemKey = flags.requireSystemKey ? loadOrCreateSystemKey(flags.data) : undefined;
    const rpcPath = systemKey ? newRpcPath() : `${WEBHOOK_PATH}/`;
    if (systemKey) secrets.push(systemKey, rpcPath);
    const rpcBaseUrl = (): string => `http://${loopbackAddress(flags.host)}:${port}${rpcPath}`;
    const routes = functionRoutes(functions);
    const extras = localExtensions({ functions, engine, dataDir: flags.data, taskHubName, routes, routePrefix, log });
    const handlers = [
        ...(systemKey ? [systemKeyGate(systemKey, rpcPath)] : []),
        dashboardHandler(LOCAL_DASHBOARD),
        ...extras.handlers,
        durableApi({
            engine,
            taskHubName,
            entities: extras.entityInstances,
            systemKey,
            wake: (id) => functions.redeliveries.wake(id),
            redeliveries: () => functions.redeliveries.list(),
        }),
        functionsHandler({ functions, routes, routePrefix, taskHubName, origin, rpcBaseUrl, systemKey, log }),
    ];
    const server = createHostServer(handlers, functionIndex(functions, routes, routePrefix, origin), log);
    port = await listen(server, flags.port, flags.host).catch((err: unknown) => {
        if (!(err instanceof PortInUseError)) throw err;
        throw new Error(
            `${err.message} Stop it (another \`npm start\` or \`func start\`?), or use another port: npm start -- --port ${flags.port + 1} (--port 0 takes any free port).`,
        );
    });
    // As Core Tools and Azure set it, in the worker too: without it durable-functions' getClient rewrites every
    // client URL on each call (node_modules/durable-functions/lib/src/durableClient/getClient.js correctClientData).
    functions.setEnvironment({ WEBSITE_HOSTNAME: `localhost:${port}` });
    const resumed = await engine.recover(saved);
    extras.start();
    const stopWatch = flags.watch ? startWatch({ app, buildDir, routes, log }) : undefined;
    // Before the banner: whoever waits for "Host listening" may press Ctrl-C right away.
    stopOnSignals(async () => {
        stopWatch?.();
        server.close();
        server.closeAllConnections();
        // The worker runs the app's appTerminate hooks, then exits.
        await functions.close();
        await extras.stop();
        await engine.close();
    }, log);
    const banner = startupBanner({
        functions,
        routes,
        routePrefix,
        origin: origin(),
        port,
        taskHubName,
        extensionsBanner: extras.banner(),
        dashboardLine: systemKey
            ? `Durable HTTP API and dashboard require the system key ${SYSTEM_KEY_NAME} (in ${path.join(flags.data, SECRETS_FILE)}), as in Azure`
            : await dashboardLine(origin()),
        debuggerUrl: functions.debuggerUrl,
        timeout: app.timeout,
        watching: stopWatch !== undefined,
        appDir: flags.app,
        entries: app.entries,
        dataDir: flags.data,
        resumed,
    });
    process.stdout.write(banner);
}
