import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KUDU_STATUS, PUBLISH_PATH } from '../../infra/deployment/oneDeploy';

/**
 * A local stand-in for a Flex app's SCM (Kudu) site, answering One Deploy the way Microsoft's Flex
 * clients (azure-cli, Azure/functions-action) expect: POST /api/publish?type=zip&RemoteBuild=false&Deployer=...
 * → 202 with the deployment id as the body; GET /api/deployments/<id> (or /latest) → the deployment
 * record (202 while running, 200 when complete, with Kudu's numeric status);
 * GET /api/deployments/<id>/log → log entries whose details_url lists the detailed messages.
 */
export interface FakeScmScript {
    token: string;
    /** HTTP statuses answered to successive publish POSTs before the accepted one (e.g. [403]). */
    publishFailures?: number[];
    /** How many status polls report "in progress" before the outcome; Infinity = never finishes. */
    pollsUntilDone?: number;
    outcome?: keyof typeof KUDU_STATUS;
    /** How the accepted publish names the deployment: its id as the body (Flex), as a JSON string, or only a Location to `latest`. */
    publishAnswer?: 'id' | 'jsonId' | 'location';
}

export interface RecordedRequest {
    method: string;
    path: string;
    authorization?: string;
    contentType?: string;
    body: Buffer;
}

export const DEPLOYMENT_ID = '5d7ec4e7-9f3c-4f43-8a09-1c2f6f0e9b1a';
export const FAILURE_DETAIL = "Error: Cannot find module 'index.js' (package.json main)";

export class FakeScm {
    readonly requests: RecordedRequest[] = [];
    #server = http.createServer((req, res) => this.#handle(req, res));
    #publishFailures: number[];
    #polls = 0;
    #accepted = false;

    constructor(private readonly script: FakeScmScript) {
        this.#publishFailures = [...(script.publishFailures ?? [])];
    }

    get baseUrl(): string {
        return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    }

    async start(): Promise<this> {
        await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
        return this;
    }

    async stop(): Promise<void> {
        this.#server.closeAllConnections();
        await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    }

    #record(req: http.IncomingMessage, body: Buffer): RecordedRequest {
        const entry = { method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, contentType: req.headers['content-type'], body };
        this.requests.push(entry);
        return entry;
    }

    #json(res: http.ServerResponse, status: number, body: unknown): void {
        res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    }

    #deployment(status: number, complete: boolean) {
        const base = this.baseUrl;
        return {
            id: DEPLOYMENT_ID,
            status,
            status_text: { 1: 'Building', 3: 'Deployment failed.', 4: 'Deployment successful.', 5: 'Conflict', 6: 'Partially succeeded.' }[status] ?? '',
            author: 'N/A',
            deployer: 'OneDeploy',
            message: 'OneDeploy',
            progress: complete ? '' : 'Extracting zip',
            received_time: '2025-01-01T00:00:00Z',
            complete,
            active: complete && status === 4,
            is_temp: false,
            url: `${base}/api/deployments/${DEPLOYMENT_ID}`,
            log_url: `${base}/api/deployments/${DEPLOYMENT_ID}/log`,
            site_name: 'func-hello',
        };
    }

    #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
            const request = this.#record(req, Buffer.concat(chunks));
            if (request.authorization !== `Bearer ${this.script.token}`) {
                res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="scm"' }).end('Unauthorized: invalid token');
                return;
            }
            const path = request.path.split('?')[0];
            if (request.method === 'POST' && request.path === PUBLISH_PATH) {
                const failure = this.#publishFailures.shift();
                if (failure !== undefined) {
                    res.writeHead(failure).end(failure === 403 ? 'Forbidden' : 'Try again');
                    return;
                }
                this.#accepted = true;
                const answer = this.script.publishAnswer ?? 'id';
                if (answer === 'location') {
                    res.writeHead(202, { Location: `${this.baseUrl}/api/deployments/latest?deployer=OneDeploy&time=2025-01-01_00-00-00Z` }).end();
                } else {
                    res.writeHead(202, { 'Content-Type': 'text/plain' }).end(answer === 'id' ? DEPLOYMENT_ID : JSON.stringify(DEPLOYMENT_ID));
                }
                return;
            }
            if (request.method === 'GET' && (path === '/api/deployments/latest' || path === `/api/deployments/${DEPLOYMENT_ID}`)) {
                if (!this.#accepted) return this.#json(res, 404, { Message: 'No deployment found.' });
                const done = ++this.#polls > (this.script.pollsUntilDone ?? 1);
                if (!done) return this.#json(res, 202, this.#deployment(1, false));
                return this.#json(res, 200, this.#deployment(KUDU_STATUS[this.script.outcome ?? 'success'], true));
            }
            if (request.method === 'GET' && path === `/api/deployments/${DEPLOYMENT_ID}/log`) {
                return this.#json(res, 200, [
                    { log_time: '2025-01-01T00:00:01Z', id: 'a1', message: 'Starting deployment pipeline.', type: 0, details_url: null },
                    { log_time: '2025-01-01T00:00:03Z', id: 'a2', message: 'Deployment failed.', type: 2, details_url: `${this.baseUrl}/api/deployments/${DEPLOYMENT_ID}/log/a2` },
                ]);
            }
            if (request.method === 'GET' && path === `/api/deployments/${DEPLOYMENT_ID}/log/a2`) {
                return this.#json(res, 200, [{ log_time: '2025-01-01T00:00:03Z', id: 'b1', message: FAILURE_DETAIL, type: 2 }]);
            }
            this.#json(res, 404, { Message: `No route for ${request.method} ${request.path}` });
        });
    }
}

/** Virtual time: sleeping advances the clock instantly, so retries and timeouts cost no real time. */
export function virtualClock(start = 1_000_000) {
    const clock = { t: start, slept: [] as number[] };
    return {
        clock,
        now: () => clock.t,
        sleep: async (ms: number) => {
            clock.slept.push(ms);
            clock.t += ms;
        },
    };
}
