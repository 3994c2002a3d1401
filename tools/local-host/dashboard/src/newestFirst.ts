import type { InstanceStatus } from './types';

/**
 * Newest-first listing on the extension's standard `GET instances` API, which has no order and no name
 * filter (its parameters: runtimeStatus, createdTimeFrom, createdTimeTo, instanceIdPrefix, top, and the
 * x-ms-continuation-token header: https://learn.microsoft.com/azure/azure-functions/durable/durable-functions-http-api).
 * The Azure Storage backend answers in instance-id order: the Instances table's partition key is the
 * instance id (https://learn.microsoft.com/azure/azure-functions/durable/durable-functions-azure-storage-provider),
 * and a table query returns entities by partition key. So the page reads
 * time slices going back from now (`createdTimeFrom`/`createdTimeTo`), each to its end (bounded), until it
 * holds a page of matches, and sorts and filters by name itself. A slice with more instances than the
 * scan bound is split in halves, newer half first. Pure logic: the HTTP call is passed in.
 */
export interface SliceQuery {
    createdTimeFrom: string;
    createdTimeTo?: string;
    continuationToken?: string;
}
export type FetchSlice = (query: SliceQuery) => Promise<{ instances: InstanceStatus[]; continuationToken?: string }>;

export interface NewestOptions {
    pageSize: number;
    /** Orchestrator name prefix, any case ('' = all). */
    name: string;
    /** The token of the previous page's last row; omitted for the first page. */
    after?: string;
    now: number;
    /** Most instances read from one slice before it is split (default 1000). */
    maxScan?: number;
}

export interface NewestPage {
    instances: InstanceStatus[];
    continuationToken?: string;
    /** A slice under a second long held more than maxScan instances: some may be missing. */
    partial: boolean;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
/** How far back each slice reaches from the anchor; then one slice down to FLOOR. */
const SLICE_STARTS = [10 * MINUTE, 2 * 60 * MINUTE, DAY, 7 * DAY, 30 * DAY];
const FLOOR = Date.parse('2000-01-01T00:00:00Z');

type Key = [number, string];
const keyOf = (instance: InstanceStatus): Key => [Date.parse(instance.createdTime) || 0, instance.instanceId];
/** Newest first; the same second (the API shows whole seconds) by instance id, descending. */
const newerFirst = (a: Key, b: Key): number => b[0] - a[0] || (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0);
// Slice bounds on whole seconds: an instance shown as 10:00:00Z was created in [10:00:00, 10:00:01).
const floorSecond = (ms: number): number => Math.floor(ms / SECOND) * SECOND;

export function encodeCursor(instance: InstanceStatus): string {
    return JSON.stringify(keyOf(instance));
}

function decodeCursor(token: string): Key {
    const key = JSON.parse(token) as unknown;
    if (!Array.isArray(key) || typeof key[0] !== 'number' || typeof key[1] !== 'string')
        throw new Error('The page token is not one this page issued.');
    return [key[0], key[1]];
}

export async function listNewest(fetchSlice: FetchSlice, options: NewestOptions): Promise<NewestPage> {
    const maxScan = options.maxScan ?? 1000;
    const cursor = options.after ? decodeCursor(options.after) : undefined;
    const name = options.name.toLowerCase();
    const found = new Map<string, InstanceStatus>();
    let matches = 0;
    let partial = false;
    const wanted = (instance: InstanceStatus): boolean =>
        instance.name.toLowerCase().startsWith(name) && (!cursor || newerFirst(cursor, keyOf(instance)) < 0);

    /** Reads [from, to] to its end, or up to maxScan instances (`complete` false). */
    async function scan(from: number, to: number | undefined): Promise<{ seen: InstanceStatus[]; complete: boolean }> {
        const seen: InstanceStatus[] = [];
        let token: string | undefined;
        do {
            const query: SliceQuery = { createdTimeFrom: new Date(from).toISOString(), continuationToken: token };
            if (to !== undefined) query.createdTimeTo = new Date(to).toISOString();
            const page = await fetchSlice(query);
            seen.push(...page.instances);
            token = page.continuationToken;
            if (token && seen.length >= maxScan) return { seen, complete: false };
        } while (token);
        return { seen, complete: true };
    }

    async function collect(from: number, to: number | undefined): Promise<void> {
        const { seen, complete } = await scan(from, to);
        const end = to ?? floorSecond(options.now) + MINUTE;
        if (!complete && end - from > SECOND) {
            const middle = floorSecond(from + (end - from) / 2);
            await collect(middle, to);
            if (matches < options.pageSize) await collect(from, middle);
            return;
        }
        if (!complete) partial = true;
        for (const instance of seen) {
            if (found.has(instance.instanceId) || !wanted(instance)) continue;
            found.set(instance.instanceId, instance);
            matches++;
        }
    }

    // After a cursor: from the second after the cursor's (the slice bounds are inclusive and whole seconds).
    // First page: no upper bound, so an instance stamped by a clock a little ahead still shows.
    const anchor = cursor ? floorSecond(cursor[0]) + SECOND : undefined;
    const base = anchor ?? floorSecond(options.now);
    const starts = [...SLICE_STARTS.map((back) => floorSecond(base - back)), FLOOR];
    let to = anchor;
    let exhausted = true;
    for (const [index, from] of starts.entries()) {
        await collect(from, to);
        to = from;
        if (matches >= options.pageSize && index < starts.length - 1) {
            exhausted = false;
            break;
        }
    }
    const sorted = [...found.values()].sort((a, b) => newerFirst(keyOf(a), keyOf(b)));
    const instances = sorted.slice(0, options.pageSize);
    const more = sorted.length > options.pageSize || (!exhausted && instances.length > 0);
    return { instances, continuationToken: more ? encodeCursor(instances[instances.length - 1]) : undefined, partial };
}
