import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONFIG_FILE, type DashboardConfig } from './src/types';

/**
 * The dashboard's page, served by the local host under the Functions host's reserved `/runtime/`
 * prefix, so no app route (even with `routePrefix: ""`) can collide with it. The page's TypeScript is
 * bundled and minified with esbuild in memory when the host starts: a fresh clone needs no build step
 * and the page can never be stale.
 */
export const DASHBOARD_PATH = '/runtime/webhooks/durabletask/dashboard/';
// This folder: __dirname itself when run from source (jest), its sibling when bundled into dist/host.js,
// tools/local-host/dashboard from dist/tools/ (`npm run dashboard`).
const DIR =
    [
        __dirname,
        path.join(__dirname, '..', 'dashboard'),
        path.join(__dirname, '..', '..', 'tools', 'local-host', 'dashboard'),
    ].find((dir) => existsSync(path.join(dir, 'index.html'))) ?? __dirname;

export interface Asset {
    contentType: string;
    body: Buffer;
}
export type DashboardAssets = Map<string, Asset>;

const SECURITY_HEADERS = {
    'content-security-policy':
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
};

export async function buildDashboard(): Promise<DashboardAssets> {
    const esbuild = await import('esbuild');
    const script = await esbuild.build({
        entryPoints: [path.join(DIR, 'src', 'main.ts')],
        bundle: true,
        minify: true,
        write: false,
        format: 'iife',
        platform: 'browser',
        target: 'es2022',
        legalComments: 'none',
        logLevel: 'silent',
    });
    const css = await esbuild.transform(await readFile(path.join(DIR, 'dashboard.css'), 'utf8'), {
        loader: 'css',
        minify: true,
    });
    const html = await readFile(path.join(DIR, 'index.html'));
    return new Map<string, Asset>([
        ['', { contentType: 'text/html; charset=utf-8', body: html }],
        [
            'dashboard.js',
            { contentType: 'text/javascript; charset=utf-8', body: Buffer.from(script.outputFiles[0].contents) },
        ],
        ['dashboard.css', { contentType: 'text/css; charset=utf-8', body: Buffer.from(css.code) }],
    ]);
}

export const totalBytes = (assets: DashboardAssets): number =>
    [...assets.values()].reduce((sum, a) => sum + a.body.length, 0);

let cached: Promise<DashboardAssets> | undefined;
/** Builds once per process; a failed build is retried on the next request. */
export function dashboardAssets(): Promise<DashboardAssets> {
    cached ??= buildDashboard().catch((err) => {
        cached = undefined;
        throw err;
    });
    return cached;
}

/** The local host's: every action, its own listing extensions, a refresh every second. */
export const LOCAL_DASHBOARD: DashboardConfig = {
    label: 'local dashboard',
    actions: true,
    listing: 'extensions',
    refreshMs: 1000,
    redeliveries: 'redeliveries',
};

/**
 * Serves the dashboard's paths, and `config.json` (what the server behind the page offers); answers false
 * for any other path so the server's router goes on.
 */
export function dashboardHandler(config: DashboardConfig) {
    const configBody = Buffer.from(JSON.stringify(config));
    return (req: IncomingMessage, res: ServerResponse): Promise<boolean> => handleDashboard(req, res, configBody);
}

async function handleDashboard(req: IncomingMessage, res: ServerResponse, configBody: Buffer): Promise<boolean> {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname === DASHBOARD_PATH.slice(0, -1)) {
        res.writeHead(308, { location: DASHBOARD_PATH }).end();
        return true;
    }
    if (!pathname.startsWith(DASHBOARD_PATH)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' }).end(
            JSON.stringify({ error: 'The dashboard only answers GET.' }),
        );
        return true;
    }
    let assets: DashboardAssets;
    try {
        assets = await dashboardAssets();
    } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(
            `The dashboard failed to build: ${err instanceof Error ? err.message : String(err)}`,
        );
        return true;
    }
    const file = pathname.slice(DASHBOARD_PATH.length);
    const asset =
        file === CONFIG_FILE ? { contentType: 'application/json; charset=utf-8', body: configBody } : assets.get(file);
    if (!asset) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(
            JSON.stringify({ error: `No dashboard file ${pathname}. Open ${DASHBOARD_PATH}.` }),
        );
        return true;
    }
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.contentType, 'content-length': asset.body.length });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
    return true;
}

/** The start-up line naming the dashboard's URL and size. */
export async function dashboardLine(origin: string): Promise<string> {
    try {
        const assets = await dashboardAssets();
        return `Dashboard: ${origin}${DASHBOARD_PATH} (${(totalBytes(assets) / 1024).toFixed(1)} KiB, live)`;
    } catch (err) {
        return `Dashboard: unavailable, its page failed to build: ${err instanceof Error ? err.message : String(err)}`;
    }
}
