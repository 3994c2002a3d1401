import type { IncomingMessage, ServerResponse } from 'node:http';
import { bindingSupport, type NotServed } from './app-loading/bindingSupport';
import { entityInstances } from './durable-api/entityInstances';
import { entityRoutes } from './durable-api/entityRoutes';
import type { Engine } from './engine/engine';
import { attachEntities, recoverEntities } from './engine/entities/orchestrationBridge';
import type { FunctionRoute } from './http/functionRoutes';
import { sendError } from './http/respond';
import type { RequestHandler } from './http/server';
import { TimerTriggers } from './triggers/timer';
import { logSinkTo } from './worker-process/functionsCore';
import type { AppFunctions } from './worker-channel/appFunctions';

export interface LocalExtensionsOptions {
    functions: AppFunctions;
    engine: Engine;
    dataDir: string;
    taskHubName: string;
    routes: FunctionRoute[];
    routePrefix: string;
    log: (message: string) => void;
}

/** HTTP functions that are registered but not served answer 501 with the reason instead of running half-wired. */
function notServedHandler(routes: FunctionRoute[], notServed: NotServed[], routePrefix: string): RequestHandler {
    const reasons = new Map(notServed.map((n) => [n.functionName, n.reason]));
    const blocked = routes.filter((r) => reasons.has(r.functionName));
    return async (_req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
        const prefix = routePrefix ? `/${routePrefix}` : '';
        if (blocked.length === 0 || (prefix && !url.pathname.toLowerCase().startsWith(prefix))) return false;
        const hit = blocked.find((r) => r.match(url.pathname.slice(prefix.length)));
        if (!hit) return false;
        sendError(
            res,
            501,
            `Function '${hit.functionName}' is not served by the local host: ${reasons.get(hit.functionName)}. It runs in Azure.`,
            { functionName: hit.functionName },
        );
        return true;
    };
}

/**
 * What the local host adds around the core engine: Durable Entities (store, scheduler, HTTP API),
 * timer triggers, and the check of bindings it cannot serve.
 */
export function localExtensions(options: LocalExtensionsOptions) {
    const { functions, engine, log } = options;
    const logSink = logSinkTo(log);
    const support = bindingSupport(functions);
    const timers = new TimerTriggers(functions, {
        log: logSink,
        skip: new Set(support.notServed.map((n) => n.functionName)),
    });
    const notServed = [
        ...support.notServed,
        ...timers.problems.map((p) => ({
            functionName: p.functionName,
            reason: `its schedule cannot be used: ${p.reason}`,
        })),
    ];
    const entities = attachEntities(engine, logSink);
    return {
        entities,
        /** Entities as `@name@key` instances, for the Durable HTTP API. */
        entityInstances: entityInstances(entities),
        notServed,
        /** Handlers to put before the core's Durable API and functions handlers. */
        handlers: [
            entityRoutes({ functions, entities, taskHubName: options.taskHubName }),
            notServedHandler(options.routes, notServed, options.routePrefix),
        ],
        /** Lines for the start-up banner. */
        banner(): string {
            if (notServed.length === 0) return '';
            return `\nNot served locally:\n\n${notServed.map((n) => `        ${n.functionName}: ${n.reason}`).join('\n')}\n`;
        },
        /** After engine.recover(): finish entity work from before a stop, start timers. */
        start(): void {
            recoverEntities(engine, entities);
            timers.start();
        },
        stop(): Promise<void> {
            timers.stop();
            return entities.idle();
        },
    };
}
