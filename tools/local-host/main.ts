import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { hostSettings } from './app-loading/hostSettings';
import { loadApp } from './app-loading/loadApp';
import { durableApi } from './durable-api/router';
import { Engine } from './engine/engine';
import { functionIndex } from './http/functionIndex';
import { functionRoutes } from './http/functionRoutes';
import { functionsHandler } from './http/functionsHandler';
import { createHostServer, listen } from './http/server';
import { dashboardHandler, dashboardLine, LOCAL_DASHBOARD } from './dashboard/serve';
import { startWatch } from './dev/devLoop';
import { localExtensions } from './localExtensions';
import { logUnhandledRejections, stopOnSignals } from './processPolicy';
import { startupBanner } from './startupBanner';
import { loadOrCreateSystemKey, newRpcPath, SECRETS_FILE, SYSTEM_KEY_NAME, systemKeyGate } from './systemKey';
import { WEBHOOK_PATH } from './durable-api/clientBinding';
import { lockDataDir } from './store/dataDirLock';
import { FileStore } from './store/fileStore';
import type { InstanceRecord } from './store/store';
import { logSinkTo } from './worker/functionsCore';

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

const USAGE = 'Usage: npm start -- [--port <n>] [--app <dir>] [--data <dir>] [--host <address>] [--inspect[=<port>]] [--watch] [--require-system-key]';

function portNumber(text: string, flag: string): number {
    const port = Number(text);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${flag} must be 0-65535 (0 = any free port). ${USAGE}`);
    return port;
}

export function parseFlags(argv: string[], cwd: string): Flags {
    const flags: Flags = { port: 7071, app: 'app', data: '.durable-local', host: '127.0.0.1', watch: false, requireSystemKey: false };
    for (let i = 0; i < argv.length; i++) {
        const [name, inline] = argv[i].split(/=(.*)/s, 2);
        const value = (): string => {
            const v = inline ?? argv[++i];
            if (v === undefined || v === '') throw new Error(`${name} needs a value. ${USAGE}`);
            return v;
        };
        if (name === '--port') flags.port = portNumber(value(), '--port');
        else if (name === '--app') flags.app = value();
        else if (name === '--data') flags.data = value();
        else if (name === '--host') flags.host = value();
        else if (name === '--inspect') flags.inspect = inline === undefined ? DEFAULT_INSPECTOR_PORT : portNumber(inline, '--inspect=<port>');
        else if (name === '--watch') flags.watch = true;
        else if (name === '--require-system-key') flags.requireSystemKey = true;
        else if (name === '--help' || name === '-h') throw new Error(USAGE);
        else throw new Error(`Unknown flag '${argv[i]}'. ${USAGE}`);
    }
    return { ...flags, app: path.resolve(cwd, flags.app), data: path.resolve(cwd, flags.data) };
}

/** `workerScript`: the compiled worker entry (worker/workerMain.ts), which runs the app in its own process. */
/** An address this host answers on from this machine, as a URL host (a wildcard listen address answers on 127.0.0.1). */
export function loopbackAddress(listenHost: string): string {
    if (['0.0.0.0', '::', 'localhost', ''].includes(listenHost)) return '127.0.0.1';
    return listenHost.includes(':') ? `[${listenHost}]` : listenHost;
}

export async function main(argv: string[], workerScript: string): Promise<void> {
    const flags = parseFlags(argv, process.cwd());
    const log = (message: string): void => void process.stdout.write(`[${new Date().toISOString()}] ${message}\n`);
    const appLog = logSinkTo(log);
    logUnhandledRejections(log);
    mkdirSync(flags.data, { recursive: true });
    lockDataDir(flags.data);
    const buildDir = path.join(flags.data, 'build');
    const store = new FileStore(flags.data);
    let saved: Promise<InstanceRecord[]> | undefined;
    // Reading the instance logs (thousands after a while) overlaps with the worker's start.
    const whileWorkerStarts = (): void => void (saved = store.loadAll()).catch(() => undefined);
    const app = await loadApp(flags.app, buildDir, { workerScript, inspectPort: flags.inspect, log: appLog, whileWorkerStarts });
    const { functions } = app;
    const { taskHubName, defaultVersion, routePrefix, versioning } = hostSettings(app.hostJson);
    const engine = new Engine(functions, store, { log, defaultVersion, versioning });
    let port = flags.port;
    const origin = (): string => `http://localhost:${port}`;
    const systemKey = flags.requireSystemKey ? loadOrCreateSystemKey(flags.data) : undefined;
    const rpcPath = systemKey ? newRpcPath() : `${WEBHOOK_PATH}/`;
    const rpcBaseUrl = (): string => `http://${loopbackAddress(flags.host)}:${port}${rpcPath}`;
    const routes = functionRoutes(functions);
    const extras = localExtensions({ functions, engine, dataDir: flags.data, taskHubName, routes, routePrefix, log });
    const handlers = [
        ...(systemKey ? [systemKeyGate(systemKey, rpcPath)] : []),
        dashboardHandler(LOCAL_DASHBOARD),
        ...extras.handlers,
        durableApi({ engine, taskHubName, entities: extras.entityInstances, systemKey }),
        functionsHandler({ functions, routes, routePrefix, taskHubName, origin, rpcBaseUrl, systemKey, log }),
    ];
    const server = createHostServer(handlers, functionIndex(functions, routes, routePrefix, origin), log);
    port = await listen(server, flags.port, flags.host);
    process.env.WEBSITE_HOSTNAME = `localhost:${port}`;
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
