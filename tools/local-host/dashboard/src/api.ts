/**
 * The Durable Functions HTTP API (`/runtime/webhooks/durabletask/...`), the page's only data source.
 * The page lives at `<base>/dashboard/`, so the API base is its parent folder.
 */
import { CONTINUATION_HEADER, type InstanceStatus, type RuntimeStatus } from './types';

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
}

export class ApiError extends Error {
    constructor(readonly status: number, message: string) {
        super(message);
    }
}

export const apiBase = (): URL => new URL('../', window.location.href);

async function request(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(new URL(path, apiBase()), { ...init, headers: { accept: 'application/json', ...init.headers } });
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

export async function listInstances(query: ListQuery): Promise<Page> {
    // order and namePrefix are this host's additions to the listing API (Azure ignores them).
    const params = new URLSearchParams({ top: String(query.top), order: 'newest', showInput: 'false' });
    if (query.statuses.length) params.set('runtimeStatus', query.statuses.join(','));
    if (query.name) params.set('namePrefix', query.name);
    if (query.instanceIdPrefix) params.set('instanceIdPrefix', query.instanceIdPrefix);
    const headers: Record<string, string> = query.continuationToken ? { [CONTINUATION_HEADER]: query.continuationToken } : {};
    const response = await request(`instances?${params}`, { headers });
    const token = response.headers.get(CONTINUATION_HEADER) ?? undefined;
    return { instances: (await response.json()) as InstanceStatus[], continuationToken: token || undefined };
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

export const terminate = (id: string, reason: string) => request(`instances/${enc(id)}/terminate?reason=${enc(reason)}`, { method: 'POST' });
export const suspend = (id: string, reason: string) => request(`instances/${enc(id)}/suspend?reason=${enc(reason)}`, { method: 'POST' });
export const resume = (id: string, reason: string) => request(`instances/${enc(id)}/resume?reason=${enc(reason)}`, { method: 'POST' });
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
