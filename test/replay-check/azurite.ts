import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { AccessToken, TokenCredential } from '@azure/identity';

/** Azurite's one account (https://github.com/Azure/Azurite#default-storage-account). */
export const ACCOUNT = 'devstoreaccount1';

export interface Azurite {
    tableEndpoint: string;
    blobEndpoint: string;
    stop(): Promise<void>;
}

/**
 * Azurite (the npm package) on random ports, over HTTPS with OAuth ("--oauth basic" needs HTTPS), so the
 * reader signs in with an Entra bearer token exactly as in Azure. Its certificate is made here with openssl
 * for 127.0.0.1 and added to this process's trusted CAs (tls.setDefaultCACertificates, test only).
 */
export async function startAzurite(): Promise<Azurite> {
    const dir = mkdtempSync(path.join(tmpdir(), 'azurite-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync(
        'openssl',
        [
            'req',
            '-x509',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-keyout',
            key,
            '-out',
            cert,
            '-days',
            '1',
            '-subj',
            '/CN=127.0.0.1',
            '-addext',
            'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
    );
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), readFileSync(cert, 'utf8')]);
    const bin = path.join(__dirname, '../../node_modules/azurite/dist/src/azurite.js');
    const child = spawn(
        process.execPath,
        [
            bin,
            '--location',
            path.join(dir, 'data'),
            '--blobHost',
            '127.0.0.1',
            '--tableHost',
            '127.0.0.1',
            '--queueHost',
            '127.0.0.1',
            '--blobPort',
            '0',
            '--tablePort',
            '0',
            '--queuePort',
            '0',
            '--oauth',
            'basic',
            '--cert',
            cert,
            '--key',
            key,
            '--skipApiVersionCheck',
            '--disableTelemetry',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const ports = await listening(child);
    return {
        tableEndpoint: `https://127.0.0.1:${ports.Table}/${ACCOUNT}`,
        blobEndpoint: `https://127.0.0.1:${ports.Blob}/${ACCOUNT}`,
        // Its data, certificate and key go with it (they were left in the temp dir, one folder a run).
        stop: async () => {
            if (child.exitCode === null && child.signalCode === null) {
                const gone = new Promise((resolve) => child.once('exit', resolve));
                child.kill();
                await gone;
            }
            rmSync(dir, { recursive: true, force: true });
        },
    };
}

function listening(child: ChildProcess): Promise<Record<string, string>> {
    return new Promise((resolve, reject) => {
        const ports: Record<string, string> = {};
        let output = '';
        child.stdout!.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            for (const m of output.matchAll(
                /Azurite (Blob|Queue|Table) service is successfully listening at https:\/\/127\.0\.0\.1:(\d+)/g,
            ))
                ports[m[1]] = m[2];
            if (ports.Blob && ports.Table && ports.Queue) resolve(ports);
        });
        child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
        child.once('exit', (code) => reject(new Error(`Azurite exited (${code}) before listening:\n${output}`)));
    });
}

/**
 * A test-only Entra credential: Azurite's "--oauth basic" checks a bearer token's audience, issuer and
 * lifetime, not its signature, so an unsigned token with Storage's audience stands in for a real login.
 */
export const azuriteCredential: TokenCredential = {
    async getToken(): Promise<AccessToken> {
        const now = Math.floor(Date.now() / 1000);
        const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
        const claims = {
            aud: 'https://storage.azure.com',
            iss: 'https://sts.windows.net/ab1f708d-50f6-404c-a006-d71b2ac7a606/',
            iat: now,
            nbf: now - 60,
            exp: now + 3600,
            oid: 'replay-check-test',
        };
        return {
            token: `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.c2ln`,
            expiresOnTimestamp: (now + 3600) * 1000,
        };
    },
};
