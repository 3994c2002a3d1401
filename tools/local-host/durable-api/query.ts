import { HttpError } from '../http/respond';
import type { InstanceRecord, RuntimeStatus } from '../store/store';
import { RUNTIME_STATUSES } from './statusJson';

export const CONTINUATION_HEADER = 'x-ms-continuation-token';

export interface InstanceFilter {
    runtimeStatus?: RuntimeStatus[];
    createdTimeFrom?: number;
    createdTimeTo?: number;
    instanceIdPrefix?: string;
}

/** Reads the listing filters the extension accepts; invalid values are a 400 naming the parameter. */
export function parseFilter(query: URLSearchParams): InstanceFilter {
    const filter: InstanceFilter = {};
    const statuses = query
        .getAll('runtimeStatus')
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean);
    if (statuses.length > 0) {
        filter.runtimeStatus = statuses.map((s) => {
            const match = RUNTIME_STATUSES.find((known) => known.toLowerCase() === s.toLowerCase());
            if (!match)
                throw new HttpError(
                    400,
                    `runtimeStatus '${s}' is not valid. Use one or more of: ${RUNTIME_STATUSES.join(', ')}.`,
                );
            return match;
        });
    }
    for (const key of ['createdTimeFrom', 'createdTimeTo'] as const) {
        const value = query.get(key);
        if (value === null || value === '') continue;
        const time = Date.parse(value);
        if (Number.isNaN(time))
            throw new HttpError(
                400,
                `${key} '${value}' is not a valid date/time. Use ISO 8601, e.g. 2026-01-01T00:00:00Z.`,
            );
        filter[key] = time;
    }
    const prefix = query.get('instanceIdPrefix');
    if (prefix) filter.instanceIdPrefix = prefix;
    return filter;
}

/**
 * Listing options this host adds for its dashboard (the extension has no equivalent; Azure ignores
 * them): `namePrefix` filters by orchestrator name (case-insensitive prefix), `order=newest` pages
 * newest first. Listing only: a purge by filter never narrows by name, as in Azure.
 */
export interface ListOptions {
    namePrefix?: string;
    newestFirst: boolean;
}

export function parseListOptions(query: URLSearchParams): ListOptions {
    const order = (query.get('order') ?? 'oldest').toLowerCase();
    if (order !== 'oldest' && order !== 'newest')
        throw new HttpError(400, `order '${query.get('order')}' is not valid. Use newest or oldest (the default).`);
    return { namePrefix: query.get('namePrefix')?.toLowerCase() || undefined, newestFirst: order === 'newest' };
}

export const matchesName = (record: InstanceRecord, options: ListOptions): boolean =>
    options.namePrefix === undefined || record.name.toLowerCase().startsWith(options.namePrefix);

export function matches(record: InstanceRecord, filter: InstanceFilter): boolean {
    const created = Date.parse(record.createdTime);
    if (filter.runtimeStatus && !filter.runtimeStatus.includes(record.runtimeStatus)) return false;
    if (filter.createdTimeFrom !== undefined && created < filter.createdTimeFrom) return false;
    if (filter.createdTimeTo !== undefined && created > filter.createdTimeTo) return false;
    if (filter.instanceIdPrefix !== undefined && !record.instanceId.startsWith(filter.instanceIdPrefix)) return false;
    return true;
}

export function parseTop(query: URLSearchParams): number | undefined {
    const value = query.get('top');
    if (value === null || value === '') return undefined;
    const top = Number(value);
    if (!Number.isInteger(top) || top <= 0) throw new HttpError(400, `top '${value}' must be a positive integer.`);
    return top;
}

/**
 * A stable page of instances ordered by createdTime then instanceId (or the reverse, newest first); the
 * continuation token names the last item returned, so instances created meanwhile never shift pages.
 */
export function page(
    records: InstanceRecord[],
    top: number | undefined,
    token: string | undefined,
    newestFirst = false,
): { items: InstanceRecord[]; next?: string } {
    const direction = newestFirst ? -1 : 1;
    const compare = (
        a: Pick<InstanceRecord, 'createdTime' | 'instanceId'>,
        b: Pick<InstanceRecord, 'createdTime' | 'instanceId'>,
    ): number => direction * (a.createdTime.localeCompare(b.createdTime) || a.instanceId.localeCompare(b.instanceId));
    const sorted = [...records].sort(compare);
    let start = 0;
    if (token) {
        let after: [string, string];
        try {
            after = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
            if (!Array.isArray(after) || after.length !== 2) throw new Error('shape');
        } catch {
            throw new HttpError(
                400,
                `The ${CONTINUATION_HEADER} header is not a token this host issued. Omit it to start from the first page.`,
            );
        }
        start = sorted.findIndex((r) => compare(r, { createdTime: after[0], instanceId: after[1] }) > 0);
        if (start < 0) start = sorted.length;
    }
    const size = top ?? 100;
    const items = sorted.slice(start, start + size);
    const last = items[items.length - 1];
    const next =
        start + size < sorted.length && last
            ? Buffer.from(JSON.stringify([last.createdTime, last.instanceId])).toString('base64url')
            : undefined;
    return { items, next };
}
