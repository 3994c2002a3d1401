import type * as http from 'node:http';
import { KUDU_STATUS, PUBLISH_PATH } from '../../infra/deployment/oneDeploy';
import { AUDIENCE, FakeServer, type RecordedRequest } from './fakeServer';

export { virtualClock } from './fakeServer';

/**
 * A local stand-in for a Flex app's SCM (Kudu) site, answering One Deploy as Microsoft's Flex clients
 * (azd funcapp_host_client.go, azure-cli, Azure/functions-action) expect it to:
 * - it takes tokens for the App Service and the legacy ARM audiences and answers 401 to any other
 *   (notably https://management.azure.com);
 * - POST /api/publish?... → 202 with the deployment id as a JSON string;
 * - GET /api/deployments/<id> (or /latest) → the record, with 200 whether in progress or final (azd: "Server
 *   always returns status code of OK-200"), Kudu's numeric status; 404 for the id after a worker recycle;
 * - GET /api/deployments/<id>/log → log entries whose details_url lists the detailed messages.
 */
export interface FakeScmScript {
    /** Token audiences accepted; default the App Service and legacy ARM ones. */
    audiences?: string[];
    /**
     * Answers to successive publish POSTs (with an accepted token) before the accepted one: a status, or a status with
     * headers (e.g. Retry-After).
     */
    publishFailures?: (number | { status: number; headers: Record<string, string> })[];
    /**
     * Answers to the first status polls after the publish was accepted (e.g. 503 with Retry-After), before the record.
     */
    pollFailures?: { status: number; headers: Record<string, string> }[];
    /** Where the accepted package goes, as One Deploy writes it to the app's deployment container. */
    storage?: { putPackage(body: Buffer): void };
    /** How many status polls report "in progress" before the outcome; Infinity = never finishes. */
    pollsUntilDone?: number;
    outcome?: keyof typeof KUDU_STATUS;
    /**
     * How the accepted publish names the deployment: a JSON string (real Kudu), bare, or only a Location to `latest`.
     */
    publishAnswer?: 'jsonId' | 'bareId' | 'location';
    /** The deployment worker recycles after this many in-progress polls: the id answers 404 from then on. */
    recycleAfterPolls?: number;
    /** What `latest` answers after the recycle: still this deployment, 404, or another deployment. */
    latestAfterRecycle?: 'this' | 'gone' | 'other';
    /** The record never appears: every poll answers 404. */
    neverRecorded?: boolean;
}

export const DEPLOYMENT_ID = '5d7ec4e7-9f3c-4f43-8a09-1c2f6f0e9b1a';
export const OTHER_DEPLOYMENT_ID = '0b8a1f57-1111-4c3a-9d6e-2f0a9e3b7c55';
export const FAILURE_DETAIL = "Error: Cannot find module 'index.js' (package.json main)";
const STATUS_TEXT: Record<number, string> = {
    1: 'Building',
    3: 'Deployment failed.',
    4: 'Deployment successful.',
    5: 'Conflict',
    6: 'Partially succeeded.',
    [-1]: 'Cancelled',
};

export class FakeScm extends FakeServer {
    #publishFailures: NonNullable<FakeScmScript['publishFailures']>;
    #polls = 0;
    #pollFailures: NonNullable<FakeScmScript['pollFailures']>;
    #accepted = false;

    constructor(private readonly script: FakeScmScript = {}) {
        super();
        this.#publishFailures = [...(script.publishFailures ?? [])];
        this.#pollFailures = [...(script.pollFailures ?? [])];
    }

    protected accepts(audience: string): boolean {
        return (this.script.audiences ?? [AUDIENCE.appService, AUDIENCE.legacyArm]).includes(audience);
    }

    #deployment(id: string, status: number) {
        const complete = status !== 1;
        return {
            id,
            status,
            status_text: STATUS_TEXT[status] ?? '',
            author: 'N/A',
            deployer: 'durable-hello-pulumi',
            progress: complete ? '' : 'Extracting zip',
            received_time: '2025-01-01T00:00:00Z',
            complete,
            active: status === 4,
            url: `${this.baseUrl}/api/deployments/${id}`,
            log_url: `${this.baseUrl}/api/deployments/${id}/log`,
            site_name: 'func-hello',
        };
    }

    get #recycled(): boolean {
        return this.script.recycleAfterPolls !== undefined && this.#polls >= this.script.recycleAfterPolls;
    }

    #answerPoll(res: http.ServerResponse, latest: boolean): void {
        if (!this.#accepted || this.script.neverRecorded)
            return this.json(res, 404, { Message: 'No deployment found.' });
        const failure = this.#pollFailures.shift();
        if (failure) return void res.writeHead(failure.status, failure.headers).end('Service Unavailable');
        if (this.#recycled) {
            const after = this.script.latestAfterRecycle ?? 'gone';
            if (!latest || after === 'gone') return this.json(res, 404, { Message: 'No deployment found.' });
            if (after === 'other')
                return this.json(res, 200, this.#deployment(OTHER_DEPLOYMENT_ID, KUDU_STATUS.success));
        }
        const done = ++this.#polls > (this.script.pollsUntilDone ?? 1);
        this.json(res, 200, this.#deployment(DEPLOYMENT_ID, done ? KUDU_STATUS[this.script.outcome ?? 'success'] : 1));
    }

    protected handle(request: RecordedRequest, res: http.ServerResponse): void {
        const path = request.path.split('?')[0];
        if (request.method === 'POST' && request.path === PUBLISH_PATH) {
            const failure = this.#publishFailures.shift();
            if (failure !== undefined) {
                const { status, headers } = typeof failure === 'number' ? { status: failure, headers: {} } : failure;
                res.writeHead(status, headers).end(status === 403 ? 'Forbidden' : 'Try again');
                return;
            }
            this.#accepted = true;
            this.script.storage?.putPackage(request.body);
            const answer = this.script.publishAnswer ?? 'jsonId';
            if (answer === 'location') {
                res.writeHead(202, {
                    Location: `${this.baseUrl}/api/deployments/latest?deployer=OneDeploy&time=2025-01-01_00-00-00Z`,
                }).end();
            } else {
                res.writeHead(202, { 'Content-Type': 'application/json' }).end(
                    answer === 'bareId' ? DEPLOYMENT_ID : JSON.stringify(DEPLOYMENT_ID),
                );
            }
            return;
        }
        if (request.method === 'GET' && path === '/api/deployments/latest') return this.#answerPoll(res, true);
        if (request.method === 'GET' && path === `/api/deployments/${DEPLOYMENT_ID}`)
            return this.#answerPoll(res, false);
        if (request.method === 'GET' && path === `/api/deployments/${DEPLOYMENT_ID}/log`) {
            return this.json(res, 200, [
                {
                    log_time: '2025-01-01T00:00:01Z',
                    id: 'a1',
                    message: 'Starting deployment pipeline.',
                    type: 0,
                    details_url: null,
                },
                {
                    log_time: '2025-01-01T00:00:03Z',
                    id: 'a2',
                    message: 'Deployment failed.',
                    type: 2,
                    details_url: `${this.baseUrl}/api/deployments/${DEPLOYMENT_ID}/log/a2`,
                },
            ]);
        }
        if (request.method === 'GET' && path === `/api/deployments/${DEPLOYMENT_ID}/log/a2`) {
            return this.json(res, 200, [
                { log_time: '2025-01-01T00:00:03Z', id: 'b1', message: FAILURE_DETAIL, type: 2 },
            ]);
        }
        this.json(res, 404, { Message: `No route for ${request.method} ${request.path}` });
    }
}
