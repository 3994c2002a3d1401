import type { RpcBindingInfo } from '../worker-process/functionsCore';
import type { AppFunctions } from '../worker-channel/appFunctions';

export interface FunctionRoute {
    functionName: string;
    template: string;
    methods: string[] | undefined;
    authLevel: string;
    match(path: string): Record<string, string> | undefined;
}

const ALL_METHODS = undefined;

/**
 * HTTP routes of the app's httpTrigger functions: `{name}`, `{name?}`, `{name:constraint}`, `{*rest}` as in ASP.NET
 * routing.
 */
export function functionRoutes(functions: AppFunctions): FunctionRoute[] {
    const routes: FunctionRoute[] = [];
    for (const registration of functions.registrations.values()) {
        const trigger = registration.trigger as RpcBindingInfo & {
            route?: string;
            methods?: string[];
            authLevel?: string;
        };
        if (trigger.type !== 'httpTrigger') continue;
        const template = (trigger.route ?? registration.metadata.name).replace(/^\/+|\/+$/g, '');
        routes.push({
            functionName: registration.metadata.name,
            template,
            methods: trigger.methods?.length ? trigger.methods.map((m) => m.toUpperCase()) : ALL_METHODS,
            authLevel: trigger.authLevel ?? 'function',
            match: compile(template),
        });
    }
    // Literal routes win over parameterized ones, as in the Functions host.
    return routes.sort((a, b) => paramCount(a.template) - paramCount(b.template));
}

function paramCount(template: string): number {
    return (template.match(/\{/g) ?? []).length;
}

const CONSTRAINTS: Record<string, RegExp> = {
    int: /^-?\d+$/,
    long: /^-?\d+$/,
    bool: /^(true|false)$/i,
    guid: /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
    alpha: /^[a-z]+$/i,
    double: /^-?\d+(\.\d+)?$/,
};

function compile(template: string): (path: string) => Record<string, string> | undefined {
    const segments = template === '' ? [] : template.split('/');
    return (requestPath) => {
        const parts = requestPath.split('/').filter((p) => p !== '');
        const params: Record<string, string> = {};
        for (let i = 0; i < segments.length; i++) {
            const segment = segments[i];
            const param = /^\{(\*)?([A-Za-z_][\w]*)(?::([a-z]+)(?:\(.*\))?)?(\?)?\}$/.exec(segment);
            if (!param) {
                if (parts[i] === undefined || parts[i].toLowerCase() !== segment.toLowerCase()) return undefined;
                continue;
            }
            const [, catchAll, name, constraint, optional] = param;
            if (catchAll) {
                if (parts.length > i) params[name] = parts.slice(i).map(decodeURIComponent).join('/');
                return params;
            }
            if (parts[i] === undefined) {
                if (optional) continue;
                return undefined;
            }
            const value = decodeURIComponent(parts[i]);
            if (constraint && CONSTRAINTS[constraint] && !CONSTRAINTS[constraint].test(value)) return undefined;
            params[name] = value;
        }
        return parts.length <= segments.length ? params : undefined;
    };
}
