import type { Redelivery } from './types';
import {
    listInstances,
    redeliveries,
    redeliveryText,
    RUNTIME_STATUSES,
    type DashboardConfig,
    type InstanceStatus,
    type ListQuery,
    type RuntimeStatus,
} from './api';
import { h, replaceChildren } from './dom';
import { formatTime } from './format';
import type { View } from './view';

const PAGE_SIZE = 20;

export const statusBadge = (status: string): HTMLElement =>
    h('span', { class: `badge s-${status.toLowerCase()}` }, status);

/** Marks an instance whose work keeps ending its worker: "poison" once Azure would call it so. */
export const poisonBadge = (entries: Redelivery[] | undefined): HTMLElement | null =>
    entries?.length
        ? h(
              'span',
              { class: 'badge s-failed', title: redeliveryText(entries) },
              entries.some((e) => e.poison) ? 'poison' : 'redelivering',
          )
        : null;

/** The instance list: filters, newest first, paged with the API's continuation token. */
export function listView(root: HTMLElement, config: DashboardConfig): View {
    const query: ListQuery = { statuses: [], name: '', instanceIdPrefix: '', top: PAGE_SIZE };
    // tokens[i] is the continuation token that fetches page i (page 0 needs none).
    let tokens: (string | undefined)[] = [undefined];
    let page = 0;
    let nextToken: string | undefined;
    let lastJson = '';
    let generation = 0;

    const body = h('tbody');
    const pageLabel = h('span', { class: 'muted' });
    const partialNote = h('p', { class: 'message', role: 'status' });
    const newer = h('button', { type: 'button', onclick: () => go(page - 1) }, '← Newer');
    const older = h('button', { type: 'button', onclick: () => go(page + 1) }, 'Older →');
    const statusBoxes = RUNTIME_STATUSES.map((status) =>
        h(
            'label',
            { class: 'chip' },
            h('input', { type: 'checkbox', value: status, onchange: () => filtersChanged() }),
            status,
        ),
    );
    const nameInput = h('input', {
        type: 'search',
        placeholder: 'Orchestrator name',
        'aria-label': 'Orchestrator name',
        oninput: () => filtersChanged(),
    });
    const prefixInput = h('input', {
        type: 'search',
        placeholder: 'Instance id prefix',
        'aria-label': 'Instance id prefix',
        oninput: () => filtersChanged(),
    });

    function filtersChanged(): void {
        query.statuses = statusBoxes
            .map((label) => label.querySelector('input') as HTMLInputElement)
            .filter((box) => box.checked)
            .map((box) => box.value as RuntimeStatus);
        query.name = nameInput.value.trim();
        query.instanceIdPrefix = prefixInput.value.trim();
        tokens = [undefined];
        void go(0);
    }

    async function go(target: number): Promise<void> {
        if (target < 0 || target >= tokens.length) return;
        page = target;
        lastJson = '';
        await refresh();
    }

    async function refresh(): Promise<void> {
        const mine = ++generation;
        const [result, redelivered] = await Promise.all([
            listInstances({ ...query, continuationToken: tokens[page] }, config.listing),
            redeliveries(config),
        ]);
        if (mine !== generation) return; // a newer request (filters changed, page turned) answers instead
        nextToken = result.continuationToken;
        tokens = tokens.slice(0, page + 1);
        if (nextToken) tokens.push(nextToken);
        newer.disabled = page === 0;
        older.disabled = !nextToken;
        pageLabel.textContent = `Page ${page + 1}`;
        partialNote.textContent = result.partial
            ? 'More instances were created within one second than the page reads at once: some may be missing here.'
            : '';
        const json = JSON.stringify([result.instances, [...redelivered]]);
        if (json === lastJson) return;
        lastJson = json;
        render(result.instances, redelivered);
    }

    function render(instances: InstanceStatus[], redelivered: Map<string, Redelivery[]>): void {
        if (!instances.length) {
            replaceChildren(
                body,
                h(
                    'tr',
                    {},
                    h(
                        'td',
                        { colspan: 5, class: 'empty' },
                        'No orchestrations match. Start one through the app, e.g. POST /api/orchestrators/<name>.',
                    ),
                ),
            );
            return;
        }
        replaceChildren(
            body,
            ...instances.map((instance) => {
                const href = `#/instances/${encodeURIComponent(instance.instanceId)}`;
                return h(
                    'tr',
                    { 'data-instance-id': instance.instanceId },
                    h(
                        'td',
                        {},
                        h('a', { href }, instance.name),
                        instance.version
                            ? h('span', { class: 'muted', title: 'Version' }, ` ${instance.version}`)
                            : null,
                    ),
                    h('td', { class: 'mono' }, h('a', { href }, instance.instanceId)),
                    h('td', {}, statusBadge(instance.runtimeStatus), poisonBadge(redelivered.get(instance.instanceId))),
                    h('td', { class: 'time' }, formatTime(instance.createdTime)),
                    h('td', { class: 'time' }, formatTime(instance.lastUpdatedTime)),
                );
            }),
        );
    }

    replaceChildren(
        root,
        h(
            'section',
            { class: 'filters', 'aria-label': 'Filters' },
            h('div', { class: 'chips' }, ...statusBoxes),
            nameInput,
            prefixInput,
        ),
        h(
            'table',
            { class: 'instances' },
            h(
                'thead',
                {},
                h('tr', {}, ...['Name', 'Instance id', 'Status', 'Created', 'Last updated'].map((t) => h('th', {}, t))),
            ),
            body,
        ),
        h('nav', { class: 'pager' }, newer, pageLabel, older),
        partialNote,
    );
    return { title: 'Orchestrations', refresh };
}
