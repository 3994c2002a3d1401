import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { durableApi } from '../../tools/local-host/durable-api/router';
import type { Engine } from '../../tools/local-host/engine/engine';
import type { InstanceRecord } from '../../tools/local-host/store/store';

/**
 * `POST orchestrators/{name}?timeout=&pollingInterval=` waits for the end (HttpApiHandler
 * WaitForCompletionOrCreateCheckStatusResponseAsync). A caller that hangs up must end that wait: no
 * poll, timer or listener may outlive the request, or a client that retries with timeouts leaks them.
 */
const running: InstanceRecord = {
    instanceId: 'forever',
    name: 'waitForGo',
    executionId: 'e1',
    runtimeStatus: 'Running',
    createdTime: new Date().toISOString(),
    lastUpdatedTime: new Date().toISOString(),
    history: [],
    inbox: [],
};
let polls = 0;
const pollListeners: (() => void)[] = [];
const engine = {
    start: async () => running,
    get: () => {
        polls++;
        pollListeners.splice(0).forEach((notify) => notify());
        return running;
    },
} as unknown as Engine;

let server: Server;
let port: number;
const responses: ServerResponse[] = [];

beforeAll(async () => {
    const handle = durableApi({ engine, taskHubName: 'hub' });
    server = createServer((req, res) => {
        responses.push(res);
        void handle(req, res, new URL(req.url ?? '/', 'http://localhost'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const nextPoll = () => new Promise<void>((resolve) => pollListeners.push(resolve));
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

it('stops polling, and leaves no timer or close listener, once the caller of a ?timeout= wait disconnects', async () => {
    const timersBefore = timers();
    const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/runtime/webhooks/durabletask/orchestrators/waitForGo/forever?timeout=600&pollingInterval=0.05',
    });
    req.on('error', () => undefined);
    req.end();
    await nextPoll();
    await nextPoll(); // it is waiting: polled twice, 50 ms apart

    const res = responses[responses.length - 1];
    const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
    req.destroy();
    await closed;

    const pollsAtClose = polls;
    // Ten polling intervals later nothing has polled again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(polls - pollsAtClose).toBeLessThanOrEqual(1); // at most the poll already under way when the socket closed
    const settled = polls;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(polls).toBe(settled);
    expect(res.listenerCount('close')).toBe(0);
    expect(timers()).toBeLessThanOrEqual(timersBefore);
});
