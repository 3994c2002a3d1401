import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import { WEBHOOK_PATH } from './durable-api/clientBinding';

/**
 * `--require-system-key`: the Durable HTTP API (and everything under /runtime/webhooks/durabletask) answers
 * only requests carrying the extension's system key, as in Azure. The Functions host names an extension's
 * key `<extension>_extension` and puts it in the URLs it hands out as `?code=` (azure-functions-host
 * src/WebJobs.Script.WebHost/WebHooks/DefaultScriptWebHookProvider.cs, GetKeyName / GetExtensionWebHookRoute),
 * and answers 401 with no body to a request without it, or with another key (HostController.cs,
 * ExtensionWebHookHandler). Keys are accepted as `?code=` or the `x-functions-key` header.
 */
export const SYSTEM_KEY_NAME = 'durabletask_extension';
export const SECRETS_FILE = 'secrets.json';

interface Secrets {
    systemKeys?: Record<string, string>;
}

/**
 * The key in `<data>/secrets.json` (shaped as ARM's listkeys answer), created on first use and kept across restarts.
 */
export function loadOrCreateSystemKey(dataDir: string): string {
    const file = path.join(dataDir, SECRETS_FILE);
    let secrets: Secrets = {};
    if (existsSync(file)) {
        try {
            secrets = JSON.parse(readFileSync(file, 'utf8')) as Secrets;
        } catch (err) {
            throw new Error(`${file} is not valid JSON (${(err as Error).message}). Delete it to get a new key.`);
        }
    }
    const existing = secrets.systemKeys?.[SYSTEM_KEY_NAME];
    if (typeof existing === 'string' && existing) return existing;
    const key = randomBytes(40).toString('base64');
    writeFileSync(
        file,
        JSON.stringify({ ...secrets, systemKeys: { ...secrets.systemKeys, [SYSTEM_KEY_NAME]: key } }, null, 2),
        { mode: 0o600 },
    );
    return key;
}

function sameKey(given: string | undefined, key: string): boolean {
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(key);
    return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The gate, first among the host's handlers. The app's own durable client calls the host on `rpcPath`
 * (a path with a secret of its own, handed to the worker only), standing in for the extension's local RPC
 * endpoint, which needs no key (http://127.0.0.1:17071/durabletask/, DurableTaskOptions.LocalRpcEndpointEnabled):
 * such requests are mapped onto the API's path and pass.
 */
export function systemKeyGate(key: string, rpcPath: string) {
    return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
        if (url.pathname.startsWith(rpcPath)) {
            url.pathname = `${WEBHOOK_PATH}/${url.pathname.slice(rpcPath.length)}`;
            return false;
        }
        if (!url.pathname.toLowerCase().startsWith(WEBHOOK_PATH)) return false;
        const header = req.headers['x-functions-key'];
        if (
            sameKey(url.searchParams.get('code') ?? undefined, key) ||
            sameKey(Array.isArray(header) ? header[0] : header, key)
        )
            return false;
        res.writeHead(401, { 'Content-Length': '0' }).end();
        return true;
    };
}

/** A fresh path for the durable client's calls: `/durabletask-rpc/<secret>/`. */
export const newRpcPath = (): string => `/durabletask-rpc/${randomBytes(18).toString('base64url')}/`;
