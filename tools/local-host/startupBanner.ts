import type { AppEntries } from './app-loading/resolveEntries';
import { functionUrl } from './http/functionIndex';
import type { FunctionRoute } from './http/functionRoutes';
import type { AppFunctions } from './worker-channel/appFunctions';
import type { FunctionTimeout } from './worker-channel/functionTimeout';

export interface StartupFacts {
    functions: AppFunctions;
    routes: FunctionRoute[];
    routePrefix: string;
    origin: string;
    port: number;
    taskHubName: string;
    /** Lines the local extensions add (functions not served locally), or ''. */
    extensionsBanner: string;
    dashboardLine: string;
    debuggerUrl?: string;
    timeout: FunctionTimeout;
    watching: boolean;
    appDir: string;
    entries: AppEntries;
    dataDir: string;
    /** Unfinished instances picked up from the data dir. */
    resumed: number;
}

const ALL_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

/** What the host prints once it listens, laid out like Core Tools' `func start`. */
export function startupBanner(facts: StartupFacts): string {
    const functionLines = ['', 'Functions:', ''];
    for (const registration of facts.functions.registrations.values()) {
        const name = registration.metadata.name;
        const route = facts.routes.find((r) => r.functionName === name);
        const url = route && functionUrl(facts.origin, facts.routePrefix, route);
        const target = route ? `[${(route.methods ?? ALL_METHODS).join(',')}] ${url}` : registration.trigger.type;
        functionLines.push(`        ${name}: ${target}`, '');
    }
    const { entries } = facts;
    const appLine =
        `App: ${facts.appDir} (${entries.files.length} file(s)${entries.fromSources ? ', from TypeScript sources' : ''})` +
        `  Data: ${facts.dataDir}${facts.resumed ? `  Resumed ${facts.resumed} unfinished instance(s)` : ''}`;
    return [
        functionLines.join('\n') + facts.extensionsBanner,
        `Durable HTTP API: ${facts.origin}/runtime/webhooks/durabletask (task hub ${facts.taskHubName})`,
        facts.dashboardLine,
        ...(facts.debuggerUrl
            ? [
                  `Debugger: ${facts.debuggerUrl} (the worker process; attach VS Code or chrome://inspect; breakpoints in the app's .ts files work)`,
                  `functionTimeout (${facts.timeout.text}) is not enforced while debugging, as the Functions host does with a debugger attached`,
              ]
            : []),
        ...(facts.watching ? [`Watching ${facts.appDir} for changes: saved files rebuild and reload the app`] : []),
        appLine,
        `Worker: the app runs in its own process; functionTimeout ${facts.timeout.ms === undefined ? 'unbounded' : facts.timeout.text}`,
        `Host listening on port ${facts.port}`,
        'Press Ctrl+C to stop.',
        '',
    ].join('\n');
}
