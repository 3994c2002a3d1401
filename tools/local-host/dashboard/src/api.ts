/**
 * The Durable Functions HTTP API (`/runtime/webhooks/durabletask/...`), the page's only data source.
 * The page lives at `<base>/dashboard/`, so the API base is its parent folder.
 */
import { listNewest } from './newestFirst';
import {
    CONFIG_FILE,
    CONTINUATION_HEADER,
    type DashboardConfig,
    type InstanceStatus,
    type Redelivery,
    type RuntimeStatus,
} from './types';

export * from './types';
export interface ListQuery {
    statuses: RuntimeStatus[];
    /** Orchestrator name prefix, any case. */
    name: string;
    instanceIdPrefix: string;
    top: number;
    continuationToken?: string;
}

export interface Page {
    instances: InstanceStatus[];
    continuationToken?: string;
    /** The page may miss instances (standard listing only: too many created in one second to scan). */
    partial?: boolean;
}

export class ApiError extends Error {
    constructor(
        readonly status: number,
        message: string,
    ) {
        super(message);
    }
}

export const apiBase = (): URL => new URL('../', window.location.href);

async function request(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(new URL(path, apiBase()), {
        ...init,
        headers: { accept: 'application/json', ...init.headers },
    });
    if (!response.ok) {
        const text = await response.text();
        let message = text || response.statusText;
        try {
            const body = JSON.parse(text) as { error?: string; message?: string; Message?: string };
            message = body.error ?? body.message ?? body.Message ?? message;
        } catch {
            // not JSON: keep the text
        }
        throw new ApiError(response.status, `${response.status}: ${message}`);
    }
    return response;
}

const enc = encodeURIComponent;

/** What the server offers; without a config (an older host), only the standard API and actions shown. */
export async function loadConfig(): Promise<DashboardConfig> {
    const fallback: DashboardConfig = { label: '', actions: true, listing: 'standard', refreshMs: 2000 };
    try {
        const response = await fetch(new URL(CONFIG_FILE, window.location.href), {
            headers: { accept: 'application/json' },
        });
        return response.ok ? { ...fallback, ...((await response.json()) as Partial<DashboardConfig>) } : fallback;
    } catch {
        return fallback;
    }
}

async function instancesPage(params: URLSearchParams, continuationToken: string | undefined): Promise<Page> {
    const headers: Record<string, string> = continuationToken ? { [CONTINUATION_HEADER]: continuationToken } : {};
    const response = await request(`instances?${params}`, { headers });
    const token = response.headers.get(CONTINUATION_HEADER) ?? undefined;
    return { instances: (await response.json()) as InstanceStatus[], continuationToken: token || undefined };
}

function filterParams(query: ListQuery, top: number): URLSearchParams {
    const params = new URLSearchParams({ top: String(top), showInput: 'false' });
    if (query.statuses.length) params.set('runtimeStatus', query.statuses.join(','));
    if (query.instanceIdPrefix) params.set('instanceIdPrefix', query.instanceIdPrefix);
    return params;
}

/**
 * Newest first, by name prefix: with the local host's listing extensions, or by the page itself on the standard API
 * (Azure).
 */
export async function listInstances(query: ListQuery, listing: DashboardConfig['listing']): Promise<Page> {
    if (listing === 'extensions') {
        const params = filterParams(query, query.top);
        params.set('order', 'newest');
        if (query.name) params.set('namePrefix', query.name);
        return instancesPage(params, query.continuationToken);
    }
    return listNewest(
        (slice) => {
            const params = filterParams(query, 100);
            params.set('createdTimeFrom', slice.createdTimeFrom);
            if (slice.createdTimeTo) params.set('createdTimeTo', slice.createdTimeTo);
            return instancesPage(params, slice.continuationToken);
        },
        { pageSize: query.top, name: query.name, after: query.continuationToken, now: Date.now() },
    );
}

/**
 * Work the local host redelivers after it ended its worker, by instance id (none where the server has no such list).
 */
export async function redeliveries(config: DashboardConfig): Promise<Map<string, Redelivery[]>> {
    const byInstance = new Map<string, Redelivery[]>();
    if (!config.redeliveries) return byInstance;
    for (const entry of (await (await request(config.redeliveries)).json()) as Redelivery[]) {
        const id = entry.key.replace(/ task \d+$/, '');
        byInstance.set(id, [...(byInstance.get(id) ?? []), entry]);
    }
    return byInstance;
}

/** The line the dashboard shows for an instance whose work keeps ending its worker. */
export function redeliveryText(entries: Redelivery[]): string {
    return entries
        .map(
            (e) =>
                `${e.poison ? 'Poison' : 'Redelivering'}: '${e.functionName}' ended its worker ${e.deliveries} time(s); next attempt ${new Date(e.nextAttemptAt).toLocaleTimeString()}. Last error: ${e.lastError}`,
        )
        .join('\n');
}

export async function getInstance(id: string): Promise<InstanceStatus | undefined> {
    try {
        const response = await request(`instances/${enc(id)}?showHistory=true&showHistoryOutput=true&showInput=true`);
        return (await response.json()) as InstanceStatus;
    } catch (err) {
        if (err instanceof ApiError && err.status === 404) return undefined;
        throw err;
    }
}

export const terminate = (id: string, reason: string) =>
    request(`instances/${enc(id)}/terminate?reason=${enc(reason)}`, { method: 'POST' });
export const suspend = (id: string, reason: string) =>
    request(`instances/${enc(id)}/suspend?reason=${enc(reason)}`, { method: 'POST' });
export const resume = (id: string, reason: string) =>
    request(`instances/${enc(id)}/resume?reason=${enc(reason)}`, { method: 'POST' });
export const rewind = (id: string, reason: string) =>
    request(`instances/${enc(id)}/rewind?reason=${enc(reason)}`, { method: 'POST' });
export const purge = (id: string) => request(`instances/${enc(id)}`, { method: 'DELETE' });

export const raiseEvent = (id: string, eventName: string, json: string) =>
    request(`instances/${enc(id)}/raiseEvent/${enc(eventName)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: json,
    });

/** Restarts with a new instance id; answers the new instance's id. */
export async function restart(id: string): Promise<string> {
    const response = await request(`instances/${enc(id)}/restart?restartWithNewInstanceId=true`, { method: 'POST' });
    const body = (await response.json().catch(() => ({}))) as { id?: string };
    return body.id ?? id;
}
