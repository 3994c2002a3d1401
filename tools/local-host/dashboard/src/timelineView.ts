import type { HistoryEvent } from './api';
import { h } from './dom';
import { formatDuration, formatJson, formatTime, preview } from './format';
import { buildTimeline, timelineSpan, type TimelineRow } from './timeline';

const KIND_LABEL: Record<TimelineRow['kind'], string> = {
    orchestration: 'Orchestration',
    activity: 'Activity',
    suborchestration: 'Sub-orchestration',
    timer: 'Timer',
    event: 'Event',
};

// Positioned through CSSOM: the page's Content-Security-Policy forbids inline style attributes.
function bar(leftPercent: number, widthPercent: number): HTMLElement {
    const el = h('span', { class: 'tl-bar' });
    el.style.left = `${leftPercent.toFixed(2)}%`;
    el.style.width = `${widthPercent.toFixed(2)}%`;
    return el;
}

/** The history as a timeline: one row per event (or scheduled → completed pair) with a duration bar. */
export function timelineView(
    history: HistoryEvent[],
    now: number,
    openKeys: ReadonlySet<string> = new Set(),
): HTMLElement {
    const rows = buildTimeline(history);
    const list = h('ol', { class: 'timeline' });
    if (!rows.length)
        return h('section', { class: 'panel' }, h('h3', {}, 'History'), h('p', { class: 'muted' }, 'No history yet.'));
    const span = timelineSpan(rows, now);
    const total = span.end - span.start;
    rows.forEach((row, index) => {
        const end = row.state === 'running' ? now : row.end;
        const hasDuration = end !== undefined && row.kind !== 'orchestration' && row.kind !== 'event';
        const left = ((row.start - span.start) / total) * 100;
        const width = hasDuration ? Math.max(0.6, ((end - row.start) / total) * 100) : 0.6;
        const key = `${index}:${row.eventType}`;
        const full = formatJson(row.detail);
        const short = preview(row.detail);
        const detail =
            row.detail === undefined
                ? null
                : full === short
                  ? h('code', {}, short)
                  : h(
                        'details',
                        { 'data-key': key, open: openKeys.has(key) },
                        h('summary', {}, short),
                        h('pre', {}, full),
                    );
        list.appendChild(
            h(
                'li',
                {
                    class: `tl-row k-${row.kind} st-${row.state}`,
                    'data-event-type': row.eventType,
                    'data-name': row.name,
                },
                h(
                    'span',
                    { class: 'tl-time', title: new Date(row.start).toISOString() },
                    formatTime(new Date(row.start).toISOString()),
                ),
                h('span', { class: 'tl-offset muted' }, `+${formatDuration(row.start - span.start)}`),
                h('span', { class: 'tl-kind' }, KIND_LABEL[row.kind]),
                h(
                    'span',
                    { class: 'tl-name' },
                    h('strong', {}, row.fireAt ? `until ${formatTime(row.fireAt)}` : row.name || row.eventType),
                    row.name ? h('span', { class: 'muted' }, ` ${row.eventType}`) : null,
                ),
                h('span', { class: 'tl-track' }, bar(left, Math.min(width, 100 - left))),
                h(
                    'span',
                    { class: 'tl-duration' },
                    hasDuration
                        ? row.state === 'running'
                            ? `${formatDuration(end - row.start)}…`
                            : formatDuration(end - row.start)
                        : '',
                ),
                h('span', { class: 'tl-detail' }, detail),
            ),
        );
    });
    return h('section', { class: 'panel' }, h('h3', {}, `History (${formatDuration(total)})`), list);
}
