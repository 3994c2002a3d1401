import { listNewest, type FetchSlice, type SliceQuery } from '../../tools/local-host/dashboard/src/newestFirst';
import type { InstanceStatus } from '../../tools/local-host/dashboard/src/types';

/**
 * The page's own newest-first listing against a stand-in for Azure's `GET instances`: it filters by the
 * real creation time, answers in instance-id order (the Azure Storage backend's Instances table order),
 * pages with a continuation token and shows times in whole seconds, as the extension does.
 */
const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const MINUTE = 60_000;

interface Stored {
    status: InstanceStatus;
    createdMs: number;
}

function instance(id: string, createdMs: number, name = 'hello_orchestrator'): Stored {
    const shown = new Date(Math.floor(createdMs / 1000) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    return {
        createdMs,
        status: { instanceId: id, name, runtimeStatus: 'Completed', createdTime: shown, lastUpdatedTime: shown },
    };
}

function fakeApi(stored: Stored[], top = 7) {
    const queries: SliceQuery[] = [];
    const fetchSlice: FetchSlice = async (query) => {
        queries.push(query);
        const from = Date.parse(query.createdTimeFrom);
        const to = query.createdTimeTo ? Date.parse(query.createdTimeTo) : Infinity;
        const hits = stored
            .filter((s) => s.createdMs >= from && s.createdMs <= to)
            .sort((a, b) => (a.status.instanceId < b.status.instanceId ? -1 : 1));
        const start = Number(query.continuationToken ?? 0);
        const next = start + top < hits.length ? String(start + top) : undefined;
        return { instances: hits.slice(start, start + top).map((s) => s.status), continuationToken: next };
    };
    return { fetchSlice, queries };
}

/** Every page from the first, following the tokens. */
async function allPages(fetchSlice: FetchSlice, pageSize: number, name = '', maxScan?: number): Promise<string[][]> {
    const pages: string[][] = [];
    let after: string | undefined;
    do {
        const page = await listNewest(fetchSlice, { pageSize, name, after, now: NOW, maxScan });
        pages.push(page.instances.map((i) => i.instanceId));
        after = page.continuationToken;
    } while (after && pages.length < 50);
    return pages;
}

describe("the dashboard's newest-first listing on the standard API", () => {
    // Ids in the opposite order of creation, so the API's own order is the oldest first... by id.
    const spread = [
        instance('a', NOW - 1 * MINUTE),
        instance('b', NOW - 30 * MINUTE),
        instance('c', NOW - 5 * 60 * MINUTE),
        instance('d', NOW - 3 * 24 * 60 * MINUTE),
        instance('e', NOW - 90 * 24 * 60 * MINUTE),
        instance('f', NOW - 2 * 365 * 24 * 60 * MINUTE),
    ];

    it('shows the newest first across time slices and pages to the oldest, each once', async () => {
        const { fetchSlice } = fakeApi(spread);
        expect(await allPages(fetchSlice, 2)).toEqual([
            ['a', 'b'],
            ['c', 'd'],
            ['e', 'f'],
        ]);
    });

    it('stops reading older slices once a page is full', async () => {
        const { fetchSlice, queries } = fakeApi(spread);
        const page = await listNewest(fetchSlice, { pageSize: 1, name: '', now: NOW });
        expect(page.instances.map((i) => i.instanceId)).toEqual(['a']);
        expect(queries).toHaveLength(1);
        expect(queries[0].createdTimeTo).toBeUndefined(); // the first page has no upper bound (clock skew)
    });

    it('filters by name prefix (any case) itself, the API having no such parameter', async () => {
        const stored = [
            instance('x1', NOW - 1000, 'waitForApproval'),
            instance('x2', NOW - 2000),
            instance('x3', NOW - 3000, 'WaitForApproval'),
        ];
        const { fetchSlice } = fakeApi(stored);
        expect(await allPages(fetchSlice, 20, 'waitfor')).toEqual([['x1', 'x3']]);
    });

    it('orders instances of the same second by id and pages through them without loss or repeat', async () => {
        const sameSecond = Array.from({ length: 9 }, (_, i) => instance(`s${i}`, NOW - 5000 + i * 50));
        const { fetchSlice } = fakeApi([...sameSecond, instance('old', NOW - 10 * MINUTE - 5000)]);
        const pages = await allPages(fetchSlice, 4);
        expect(pages.flat()).toEqual(['s8', 's7', 's6', 's5', 's4', 's3', 's2', 's1', 's0', 'old']);
        expect(pages[0]).toHaveLength(4);
    });

    it('splits a slice with more instances than it reads at once, newer half first', async () => {
        // 60 instances in the last 10 minutes, 5 s apart; at most 20 read per slice.
        const busy = Array.from({ length: 60 }, (_, i) =>
            instance(`id${String(59 - i).padStart(2, '0')}`, NOW - i * 5000 - 100),
        );
        const { fetchSlice, queries } = fakeApi(busy, 10);
        const first = await listNewest(fetchSlice, { pageSize: 5, name: '', now: NOW, maxScan: 20 });
        expect(first.instances.map((i) => i.instanceId)).toEqual(['id59', 'id58', 'id57', 'id56', 'id55']);
        expect(first.partial).toBe(false);
        expect(queries.length).toBeGreaterThan(2);
        const pages = await allPages(fetchSlice, 25, '', 20);
        expect(pages.flat()).toEqual(busy.map((s) => s.status.instanceId));
    });

    it('says when more instances than it can read were created within one second', async () => {
        const burst = Array.from({ length: 30 }, (_, i) => instance(`b${String(i).padStart(2, '0')}`, NOW - 2000 + i));
        const { fetchSlice } = fakeApi(burst, 10);
        const page = await listNewest(fetchSlice, { pageSize: 5, name: '', now: NOW, maxScan: 10 });
        expect(page.partial).toBe(true);
        expect(page.instances).toHaveLength(5);
    });

    it('reads a bounded number of slices for an empty task hub', async () => {
        const { fetchSlice, queries } = fakeApi([]);
        const page = await listNewest(fetchSlice, { pageSize: 20, name: '', now: NOW });
        expect(page).toEqual({ instances: [], continuationToken: undefined, partial: false });
        expect(queries).toHaveLength(6);
        expect(queries.at(-1)?.createdTimeFrom).toBe('2000-01-01T00:00:00.000Z');
    });

    it('refuses a page token it did not issue', async () => {
        const { fetchSlice } = fakeApi(spread);
        await expect(listNewest(fetchSlice, { pageSize: 2, name: '', now: NOW, after: '{"x":1}' })).rejects.toThrow(
            'not one this page issued',
        );
    });
});
