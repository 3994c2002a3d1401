import * as path from 'node:path';
import { HANG_MS, httpJson, pollStatus, startLocalHost, type LocalHost } from '../support/localHost';

const APP = path.join(__dirname, '../apps/entity-counter');
let host: LocalHost;
let entitiesApi: string;

beforeAll(async () => {
    host = await startLocalHost({ app: APP });
    entitiesApi = `${host.url}/runtime/webhooks/durabletask/entities`;
});
afterAll(async () => {
    await host?.stop();
});

interface Counter {
    value: number;
    ops: string[];
}

/** Reads the counter through the host's entity API until `until` holds. */
async function counterState(key: string, until: (state: Counter) => boolean): Promise<Counter> {
    const deadline = Date.now() + HANG_MS;
    for (;;) {
        const read = await httpJson<Counter>('GET', `${entitiesApi}/counter/${key}`);
        if (read.status === 200 && until(read.body)) return read.body;
        if (Date.now() > deadline) throw new Error(`counter ${key}: ${read.status} ${read.text}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

describe('Durable Entities on the local host', () => {
    it('an orchestration signals and calls a counter and gets its value back', async () => {
        const started = await httpJson('POST', `${host.url}/api/start/counterOrchestration`, {
            key: 'orch',
            signals: [1, 2, 3],
            calls: [4],
        });
        expect(started.status).toBe(202);
        const status = await pollStatus(started.body.statusQueryGetUri);
        expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 10 });
        expect((await counterState('orch', () => true)).ops).toEqual(['add:1', 'add:2', 'add:3', 'add:4']);
    });

    it('the durable client signals and reads entities (signalEntity, readEntityState)', async () => {
        expect((await httpJson('GET', `${host.url}/api/counter/client`)).body).toEqual({
            entityExists: false,
            entityState: null,
        });
        for (const amount of [5, 6])
            expect((await httpJson('POST', `${host.url}/api/counter/client/add`, amount)).status).toBe(202);
        await counterState('client', (s) => s.value === 11);
        expect((await httpJson('GET', `${host.url}/api/counter/client`)).body).toEqual({
            entityExists: true,
            entityState: { value: 11, ops: ['add:5', 'add:6'] },
        });
    });

    it("serves the entity HTTP API with the host's status codes", async () => {
        expect((await httpJson('GET', `${entitiesApi}/counter/http`)).status).toBe(404);
        expect((await httpJson('POST', `${entitiesApi}/counter/http?op=add`, 7)).status).toBe(202);
        expect(await counterState('http', (s) => s.value === 7)).toEqual({ value: 7, ops: ['add:7'] });
        expect((await httpJson('POST', `${entitiesApi}/nosuch/k?op=add`, 1)).status).toBe(400);
        expect(
            (
                await httpJson('POST', `${entitiesApi}/counter/http?op=add`, '{not json', {
                    'content-type': 'application/json',
                })
            ).status,
        ).toBe(400);
        expect((await httpJson('DELETE', `${entitiesApi}/counter/http`)).status).toBe(202);
        const deadline = Date.now() + HANG_MS;
        while ((await httpJson('GET', `${entitiesApi}/counter/http`)).status !== 404 && Date.now() < deadline)
            await new Promise((r) => setTimeout(r, 20));
        expect((await httpJson('GET', `${entitiesApi}/counter/http`)).status).toBe(404);
    });

    it('lists entities by name with state, page by page', async () => {
        await counterState('client', () => true);
        const first = await httpJson('GET', `${entitiesApi}/counter?fetchState=true&top=1`);
        expect(first.status).toBe(200);
        expect(first.body).toEqual([
            {
                entityId: { name: 'counter', key: 'client' },
                lastOperationTime: expect.any(String),
                state: { value: 11, ops: ['add:5', 'add:6'] },
            },
        ]);
        const token = first.headers.get('x-ms-continuation-token');
        expect(token).toBeTruthy();
        const second = await httpJson('GET', `${entitiesApi}/counter?top=1`, undefined, {
            'x-ms-continuation-token': token!,
        });
        expect(second.body).toEqual([
            { entityId: { name: 'counter', key: 'orch' }, lastOperationTime: expect.any(String) },
        ]);
    });

    it("processes one entity's operations one at a time, in the order they were accepted", async () => {
        const amounts = Array.from({ length: 15 }, (_, i) => i + 1);
        for (const amount of amounts) await httpJson('POST', `${entitiesApi}/counter/order?op=add`, amount);
        const state = await counterState('order', (s) => s.ops.length === amounts.length);
        expect(state.ops).toEqual(amounts.map((a) => `add:${a}`));
    });

    it('keeps entity state and accepted operations across kill -9', async () => {
        await counterState('order', (s) => s.value === 120);
        for (const amount of [100, 200])
            expect((await httpJson('POST', `${entitiesApi}/counter/order?op=add`, amount)).status).toBe(202);
        await host.kill9();
        host = await startLocalHost({ app: APP, data: host.data });
        entitiesApi = `${host.url}/runtime/webhooks/durabletask/entities`;
        const state = await counterState('order', (s) => s.value === 420);
        expect(state.ops.slice(-2)).toEqual(['add:100', 'add:200']);
        expect((await httpJson('GET', `${host.url}/api/counter/client`)).body.entityState.value).toBe(11);
    });
});
