import { loadConfig, type DashboardConfig } from './api';
import { h, byId, replaceChildren } from './dom';
import { instanceView } from './instanceView';
import { listView } from './listView';
import type { View } from './view';

/** Hash routes (`#/`, `#/instances/{id}`) and a live tick that refreshes the open view (every second locally). */
const root = byId('view');
const live = byId('live');
let view: View | undefined;
let busy = false;
let config: DashboardConfig;

function route(): void {
    view?.dispose?.();
    const match = /^#\/instances\/(.+)$/.exec(window.location.hash);
    view = match ? instanceView(root, decodeURIComponent(match[1]), navigate, config) : listView(root, config);
    document.title = `${view.title} · Durable dashboard`;
    void tick();
}

function navigate(hash: string): void {
    if (window.location.hash === hash) route();
    else window.location.hash = hash;
}

async function tick(): Promise<void> {
    if (busy || !view || document.hidden) return;
    busy = true;
    const current = view;
    try {
        await current.refresh();
        live.className = 'live ok';
        replaceChildren(live, 'Live');
    } catch (err) {
        live.className = 'live down';
        replaceChildren(live, h('span', {}, `Host unreachable: ${err instanceof Error ? err.message : String(err)}`));
    } finally {
        busy = false;
    }
}

void loadConfig().then((loaded) => {
    config = loaded;
    if (config.label) replaceChildren(byId('target'), config.label, config.actions ? '' : ' · read-only');
    window.addEventListener('hashchange', route);
    document.addEventListener('visibilitychange', () => void tick());
    setInterval(() => void tick(), config.refreshMs);
    route();
});
