import { mkdtempSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { redactQuerySecrets, redactSecrets } from '../../tools/cli/redact';
import { httpJson, pollStatus, REPO_ROOT, startLocalHost, type LocalHost } from '../support/localHost';

/** No log line of the local host carries a key, even the line of a request that failed with a 500. */
const KEY = 'sk/9+Q=Ab3xLw0p+Zk8/ZZ==';
const API = '/runtime/webhooks/durabletask';
let host: LocalHost | undefined;

afterAll(async () => {
    await host?.stop();
});

describe("the local host's log", () => {
    it('names a request that failed with a 500 without its system key (--require-system-key)', async () => {
        const data = mkdtempSync(path.join(tmpdir(), 'durable-redact-'));
        writeFileSync(path.join(data, 'secrets.json'), JSON.stringify({ systemKeys: { durabletask_extension: KEY } }));
        host = await startLocalHost({
            app: path.join(REPO_ROOT, 'test/apps/waiter'),
            data,
            args: ['--require-system-key'],
        });
        const code = `code=${encodeURIComponent(KEY)}`;
        const started = await httpJson('POST', `${host.url}${API}/orchestrators/hello_orchestrator/redact-me?${code}`);
        expect(started.status).toBe(202);
        expect((await pollStatus(`${host.url}${API}/instances/redact-me?${code}`)).runtimeStatus).toBe('Completed');
        // Another process holds the database's write lock: the purge fails in the store (database is locked,
        // after SQLite's busy timeout), an error the host cannot map (500).
        const other = new DatabaseSync(path.join(data, 'durable.db'));
        other.exec('BEGIN EXCLUSIVE');
        let purge;
        try {
            purge = await httpJson('DELETE', `${host.url}${API}/instances/redact-me?${code}`);
        } finally {
            other.exec('ROLLBACK');
            other.close();
        }
        expect(purge.status).toBe(500);
        expect(purge.text).toMatch(/database is locked/);
        const output = host.output();
        expect(output).toContain(`Request DELETE ${API}/instances/redact-me?code=*** failed`);
        for (const form of [KEY, encodeURIComponent(KEY), new URLSearchParams({ k: KEY }).toString().slice(2)])
            expect(output).not.toContain(form);
    });
});

describe('redaction of printed lines', () => {
    it('hides every code= value, raw, in HTML or %-encoded inside another URL, in any case', () => {
        expect(redactQuerySecrets('GET /x?a=1&code=k1%2B==&b=2 failed')).toBe('GET /x?a=1&code=***&b=2 failed');
        expect(redactQuerySecrets('https://h/y?CODE=abc;next')).toBe('https://h/y?CODE=***;next');
        expect(redactQuerySecrets('<a href="/z?x=1&amp;code=abc">')).toBe('<a href="/z?x=1&amp;code=***">');
        expect(redactQuerySecrets('/login?return=%2Fapi%3Fcode%3Dabc%26x%3D1')).toBe(
            '/login?return=%2Fapi%3Fcode%3D***%26x%3D1',
        );
        expect(redactQuerySecrets('no key in barcode=1 or ?decode=2')).toBe('no key in barcode=1 or ?decode=2');
    });

    it('hides the given secrets, raw or %-encoded, anywhere in a line', () => {
        expect(
            redactSecrets(`key ${KEY} and ${encodeURIComponent(KEY)} and /rpc/s3cret/x`, [KEY, '/rpc/s3cret/']),
        ).toBe('key *** and *** and ***x');
    });
});
