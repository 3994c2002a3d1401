import type { AppFunctions } from '../worker-channel/appFunctions';
import type { FunctionRoute } from './functionRoutes';

/** The URL an HTTP function answers at. */
export function functionUrl(origin: string, routePrefix: string, route: FunctionRoute): string {
    return `${origin}/${routePrefix ? `${routePrefix}/` : ''}${route.template}`;
}

/**
 * The JSON `GET /` answers: every function with its trigger, and the URL and methods of HTTP ones.
 * `routes` is read on each call, so a reload (which replaces its items) shows at once.
 */
export function functionIndex(
    functions: AppFunctions,
    routes: FunctionRoute[],
    routePrefix: string,
    origin: () => string,
): () => unknown {
    return () => ({
        functions: [...functions.registrations.values()].map((registration) => {
            const name = registration.metadata.name;
            const route = routes.find((r) => r.functionName === name);
            const http = route
                ? { methods: route.methods ?? ['*'], url: functionUrl(origin(), routePrefix, route) }
                : {};
            return { name, trigger: registration.trigger.type, ...http };
        }),
        durableApi: `${origin()}/runtime/webhooks/durabletask/instances`,
    });
}
