import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { loadApp } from './app-loading/loadApp';
import { durableApi } from './durable-api/router';
import { Engine } from './engine/engine';
import { functionRoutes } from './http/functionRoutes';
import { functionsHandler } from './http/functionsHandler';
import { createHostServer, listen } from './http/server';
import { dashboardLine, handleDashboard } from './dashboard/serve';
import { DEFAULT_INSPECTOR_PORT, openInspector } from './dev/inspect';
import { startWatch } from './dev/devLoop';
import { localExtensions } from './localExtensions';
import { FileStore } from './store/fileStore';
import type { LogSink } from './worker/functionsCore';

interface Flags {
    port: number;
    app: string;
    data: string;
    host: string;
    /** Inspector port (`--inspect[=port]`); undefined when not debugging. */
    inspect?: number;
    watch: boolean;
}

const USAGE = 'Usage: npm start -- [--port <n>] [--app <dir>] [--data <dir>] [--host <address>] [--inspect[=<port>]] [--watch]';

export function parseFlags(argv: string[], cwd: string): Flags {
    const flags: Flags = { port: 7071, app: 'app', data: '.durable-local', host: '127.0.0.1', watch: false };
    for (let i = 0; i < argv.length; i++) {
        const [name, inline] = argv[i].split(/=(.*)/s, 2);
        const value = (): string => {
            const v = inline ?? argv[++i];
            if (v === undefined || v === '') throw new Error(`${name} needs a value. ${USAGE}`);
            return v;
        };
        if (name === '--port') {
            flags.port = Number(value());
            if (!Number.isInteger(flags.port) || flags.port < 0 || flags.port > 65535) throw new Error(`--port must be 0-65535 (0 = any free port). ${USAGE}`);
        } else if (name === '--app') flags.app = value();
        else if (name === '--data') flags.data = value();
        else if (name === '--host') flags.host = value();
        else if (name === '--inspect') {
            flags.inspect = inline === undefined ? DEFAULT_INSPECTOR_PORT : Number(inline);
            if (!Number.isInteger(flags.inspect) || flags.inspect < 0 || flags.inspect > 65535) throw new Error(`--inspect=<port> must be 0-65535 (0 = any free port). ${USAGE}`);
        } else if (name === '--watch') flags.watch = true;
        else if (name === '--help' || name === '-h') throw new Error(USAGE);
        else throw new Error(`Unknown flag '${argv[i]}'. ${USAGE}`);
    }
    return { ...flags, app: path.resolve(cwd, flags.app), data: path.resolve(cwd, flags.data) };
}

function taskHubName(hostJson: Record<string, unknown>): string {
    const durable = ((hostJson.extensions as Record<string, unknown> | undefined)?.durableTask ?? {}) as { hubName?: string };
    const name = durable.hubName?.replace(/%([^%]+)%/g, (_, key: string) => process.env[key] ?? '');
    return name || 'TestHubName';
}

/** host.json `extensions.durableTask.defaultVersion`: the version new orchestrations get. */
function defaultVersion(hostJson: Record<string, unknown>): string | undefined {
    const durable = ((hostJson.extensions as Record<string, unknown> | undefined)?.durableTask ?? {}) as { defaultVersion?: unknown };
    return typeof durable.defaultVersion === 'string' && durable.defaultVersion ? durable.defaultVersion : undefined;
}

export async function main(argv: string[]): Promise<void> {
    const flags = parseFlags(argv, process.cwd());
    const log = (message: string): void => void process.stdout.write(`[${new Date().toISOString()}] ${message}\n`);
    mkdirSync(flags.data, { recursive: true });
    // Before the app loads, so a debugger can stop in its top-level code too.
    const debuggerUrl = flags.inspect === undefined ? undefined : openInspector(flags.inspect);
    const appLog: LogSink = (level, _category, message) => log(`${level === 'information' ? '' : `${level}: `}${message}`);
    const app = await loadApp(flags.app, path.join(flags.data, 'build'), appLog);
    const store = new FileStore(flags.data);
    const engine = new Engine(app.core, store, { log, defaultVersion: defaultVersion(app.hostJson) });
    let port = flags.port;
    const origin = (): string => `http://localhost:${port}`;
    const hub = taskHubName(app.hostJson);
    const routePrefix = (((app.hostJson.extensions as Record<string, unknown> | undefined)?.http ?? {}) as { routePrefix?: string }).routePrefix ?? 'api';
    const routes = functionRoutes(app.core);
    const functionList = (): unknown => ({
        functions: [...app.core.registrations.values()].map((r) => {
            const route = routes.find((x) => x.functionName === r.metadata.name);
            return { name: r.metadata.name, trigger: r.trigger.type, ...(route ? { methods: route.methods ?? ['*'], url: `${origin()}/${routePrefix ? `${routePrefix}/` : ''}${route.template}` } : {}) };
        }),
        durableApi: `${origin()}/runtime/webhooks/durabletask/instances`,
    });
    const extras = localExtensions({ core: app.core, engine, dataDir: flags.data, taskHubName: hub, routes, routePrefix, log });
    const server = createHostServer(
        [handleDashboard, ...extras.handlers, durableApi({ engine, taskHubName: hub }), functionsHandler({ core: app.core, routes, routePrefix, taskHubName: hub, origin, log })],
        functionList,
        log,
    );
    port = await listen(server, flags.port, flags.host);
    process.env.WEBSITE_HOSTNAME = `localhost:${port}`;
    const resumed = await engine.recover();
    extras.start();

    const lines = ['', 'Functions:', ''];
    for (const r of app.core.registrations.values()) {
        const route = routes.find((x) => x.functionName === r.metadata.name);
        lines.push(route ? `        ${r.metadata.name}: [${(route.methods ?? ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']).join(',')}] ${origin()}/${routePrefix ? `${routePrefix}/` : ''}${route.template}` : `        ${r.metadata.name}: ${r.trigger.type}`, '');
    }
    const stopWatch = flags.watch ? startWatch({ app, buildDir: path.join(flags.data, 'build'), routes, log, appLog }) : undefined;
    process.stdout.write(`${lines.join('\n')}${extras.banner()}\nDurable HTTP API: ${origin()}/runtime/webhooks/durabletask (task hub ${hub})\n${await dashboardLine(origin())}\n${debuggerUrl ? `Debugger: ${debuggerUrl} (attach VS Code or chrome://inspect; breakpoints in the app's .ts files work)\n` : ''}${stopWatch ? `Watching ${flags.app} for changes: saved files rebuild and reload the app\n` : ''}App: ${flags.app} (${app.entries.files.length} file(s)${app.entries.fromSources ? ', from TypeScript sources' : ''})  Data: ${flags.data}${resumed ? `  Resumed ${resumed} unfinished instance(s)` : ''}\nHost listening on port ${port}\nPress Ctrl+C to stop.\n`);

    let stopping = false;
    const shutdown = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        log(`${signal}: shutting down`);
        stopWatch?.();
        server.close();
        server.closeAllConnections();
        void app.core
            .runHooks('appTerminate', { hookData: {}, appHookData: {} })
            .catch(() => undefined)
            .then(() => extras.stop())
            .then(() => engine.close())
            .finally(() => process.exit(0));
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
}
