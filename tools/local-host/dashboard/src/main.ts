import { h, byId, replaceChildren } from './dom';
import { instanceView } from './instanceView';
import { listView } from './listView';
import type { View } from './view';

/** Hash routes (`#/`, `#/instances/{id}`) and a live tick that refreshes the open view every second. */
const TICK_MS = 1000;
const root = byId('view');
const live = byId('live');
let view: View | undefined;
let busy = false;

function route(): void {
    view?.dispose?.();
    const match = /^#\/instances\/(.+)$/.exec(window.location.hash);
    view = match ? instanceView(root, decodeURIComponent(match[1]), navigate) : listView(root);
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

window.addEventListener('hashchange', route);
document.addEventListener('visibilitychange', () => void tick());
setInterval(() => void tick(), TICK_MS);
route();
