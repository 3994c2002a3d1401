import * as api from './api';
import { h, replaceChildren, type Child } from './dom';
import { formatJson, instanceFacts } from './format';
import { poisonBadge, statusBadge } from './listView';
import { timelineView } from './timelineView';
import type { View } from './view';

const ACTIVE = new Set(['Pending', 'Running', 'Suspended']);
const TERMINAL = new Set(['Completed', 'Failed', 'Terminated']);

const jsonBlock = (title: string, value: unknown, cls = ''): Child =>
    h(
        'section',
        { class: `panel ${cls}` },
        h('h3', {}, title),
        value === undefined || value === null || value === ''
            ? h('p', { class: 'muted' }, 'none')
            : h('pre', {}, formatJson(value)),
    );

/** One instance: its data, the actions the API offers and its history as a timeline. */
export function instanceView(
    root: HTMLElement,
    instanceId: string,
    navigate: (hash: string) => void,
    config: api.DashboardConfig,
): View {
    let lastJson = '';
    let current: api.InstanceStatus | undefined;
    let redelivered: api.Redelivery[] | undefined;
    const summary = h('div', { class: 'summary' });
    const content = h('div');
    const timeline = h('div');
    const message = h('p', { class: 'message', role: 'status' });
    const reason = h('input', { type: 'text', placeholder: 'Reason (optional)', 'aria-label': 'Reason' });
    const eventName = h('input', {
        type: 'text',
        placeholder: 'Event name',
        'aria-label': 'Event name',
        required: true,
    });
    const eventData = h('textarea', {
        rows: 2,
        placeholder: 'Event data (JSON), e.g. {"approved": true}',
        'aria-label': 'Event data',
    });

    async function act(label: string, action: () => Promise<unknown>): Promise<void> {
        message.className = 'message';
        message.textContent = `${label}…`;
        try {
            await action();
            message.textContent = `${label}: accepted.`;
            lastJson = '';
            await refresh();
        } catch (err) {
            message.className = 'message error';
            message.textContent = `${label} failed: ${err instanceof Error ? err.message : String(err)}`;
        }
    }

    function raise(): void {
        const name = eventName.value.trim();
        const data = eventData.value.trim() || 'null';
        if (!name) {
            message.className = 'message error';
            message.textContent = 'Give the event a name (the name the orchestration waits for).';
            return;
        }
        try {
            JSON.parse(data);
        } catch (err) {
            message.className = 'message error';
            message.textContent = `Event data is not valid JSON (${(err as Error).message}).`;
            return;
        }
        void act(`Raise event ${name}`, () => api.raiseEvent(instanceId, name, data));
    }

    const buttons = {
        terminate: h(
            'button',
            {
                type: 'button',
                class: 'danger',
                onclick: () => act('Terminate', () => api.terminate(instanceId, reason.value)),
            },
            'Terminate',
        ),
        suspend: h(
            'button',
            { type: 'button', onclick: () => act('Suspend', () => api.suspend(instanceId, reason.value)) },
            'Suspend',
        ),
        resume: h(
            'button',
            { type: 'button', onclick: () => act('Resume', () => api.resume(instanceId, reason.value)) },
            'Resume',
        ),
        restart: h(
            'button',
            {
                type: 'button',
                onclick: () =>
                    act('Restart', async () =>
                        navigate(`#/instances/${encodeURIComponent(await api.restart(instanceId))}`),
                    ),
            },
            'Restart',
        ),
        rewind: h(
            'button',
            { type: 'button', onclick: () => act('Rewind', () => api.rewind(instanceId, reason.value)) },
            'Rewind',
        ),
        purge: h('button', { type: 'button', class: 'danger', onclick: () => confirmPurge() }, 'Purge'),
        raise: h('button', { type: 'button', onclick: raise }, 'Raise event'),
    };

    let purgeArmed: ReturnType<typeof setTimeout> | undefined;
    function confirmPurge(): void {
        if (!purgeArmed) {
            buttons.purge.textContent = 'Click again to purge';
            purgeArmed = setTimeout(() => {
                purgeArmed = undefined;
                buttons.purge.textContent = 'Purge';
            }, 4000);
            return;
        }
        clearTimeout(purgeArmed);
        purgeArmed = undefined;
        buttons.purge.textContent = 'Purge';
        void act('Purge', () => api.purge(instanceId));
    }

    function updateButtons(status: string | undefined): void {
        const active = status !== undefined && ACTIVE.has(status);
        buttons.terminate.disabled = !active;
        buttons.raise.disabled = !active;
        buttons.suspend.disabled = status !== 'Running' && status !== 'Pending';
        buttons.resume.disabled = status !== 'Suspended';
        buttons.restart.disabled = status === undefined;
        buttons.rewind.disabled = status !== 'Failed';
        buttons.purge.disabled = status === undefined || !TERMINAL.has(status);
    }

    async function refresh(): Promise<void> {
        const [instance, waiting] = await Promise.all([api.getInstance(instanceId), api.redeliveries(config)]);
        const json = JSON.stringify([instance ?? null, waiting.get(instanceId) ?? null]);
        if (json !== lastJson) {
            lastJson = json;
            current = instance;
            redelivered = waiting.get(instanceId);
            render();
        } else if (current && ACTIVE.has(current.runtimeStatus)) {
            renderTimeline(); // running rows grow with the clock
        }
    }

    function renderTimeline(): void {
        // Keep the history entries the user expanded open across live updates.
        const openKeys = new Set(
            [...timeline.querySelectorAll<HTMLElement>('details[open]')].map((d) => d.dataset.key ?? ''),
        );
        replaceChildren(timeline, timelineView(current?.historyEvents ?? [], Date.now(), openKeys));
    }

    function render(): void {
        updateButtons(current?.runtimeStatus);
        if (!current) {
            replaceChildren(summary, h('h2', {}, 'Instance not found'), h('p', { class: 'muted mono' }, instanceId));
            replaceChildren(
                content,
                h('p', {}, 'It was never started, or it was purged. ', h('a', { href: '#/' }, 'Back to the list')),
            );
            return;
        }
        const failed = current.runtimeStatus === 'Failed';
        const failure = current.historyEvents?.find((e) => e.FailureDetails !== undefined)?.FailureDetails;
        replaceChildren(
            summary,
            h('h2', {}, current.name, ' ', statusBadge(current.runtimeStatus), ' ', poisonBadge(redelivered)),
            redelivered ? h('p', { class: 'message error', role: 'alert' }, api.redeliveryText(redelivered)) : null,
            h(
                'dl',
                {},
                ...instanceFacts(current).flatMap((fact) => [
                    h('dt', {}, fact.label),
                    h('dd', { class: fact.mono ? 'mono' : undefined }, fact.value),
                ]),
            ),
        );
        replaceChildren(
            content,
            failed ? jsonBlock('Failure details', failure ?? current.output, 'failure') : null,
            h(
                'div',
                { class: 'grid' },
                jsonBlock('Input', current.input),
                failed ? null : jsonBlock('Output', current.output),
                jsonBlock('Custom status', current.customStatus),
            ),
            timeline,
        );
        renderTimeline();
    }

    replaceChildren(
        root,
        h('p', {}, h('a', { href: '#/' }, '← All orchestrations')),
        summary,
        config.actions
            ? h(
                  'section',
                  { class: 'actions panel', 'aria-label': 'Actions' },
                  h(
                      'div',
                      { class: 'row' },
                      reason,
                      buttons.terminate,
                      buttons.suspend,
                      buttons.resume,
                      buttons.restart,
                      buttons.rewind,
                      buttons.purge,
                  ),
                  h('div', { class: 'row' }, eventName, eventData, buttons.raise),
                  message,
              )
            : h('p', { class: 'message read-only' }, config.actionsHint ?? 'Read-only: actions are off.'),
        content,
    );
    updateButtons(undefined);
    return { title: `Instance ${instanceId}`, refresh, dispose: () => clearTimeout(purgeArmed) };
}
