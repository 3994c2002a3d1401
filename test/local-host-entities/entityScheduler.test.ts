import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeEntityBatch } from '../../tools/local-host/engine/entities/batch';
import { schedulerId } from '../../tools/local-host/engine/entities/entityId';
import { EntityScheduler, type ResponseDelivery } from '../../tools/local-host/engine/entities/entityScheduler';
import { MemoryEntityStore, type EntityStore } from '../../tools/local-host/engine/entities/entityStore';
import { SqliteStore } from '../../tools/local-host/store/sqliteStore';
import { newRequest } from '../../tools/local-host/engine/entities/messages';
import { AppHarness } from '../support/appHarness';

const mockHarness = new AppHarness();
jest.mock('@azure/functions-core', () => mockHarness.core.api, { virtual: true });

require('../apps/entity-counter/index.js');

const counter = (key: string) => ({ name: 'counter', key });
const call = (op: string, input?: unknown) =>
    newRequest(op, input === undefined ? undefined : JSON.stringify(input), {
        signal: false,
        parent: 'orch-1',
        parentExecution: 'exec-1',
    });
const signal = (op: string, input?: unknown) =>
    newRequest(op, input === undefined ? undefined : JSON.stringify(input), { signal: true });

function scheduler(store: EntityStore = new MemoryEntityStore()) {
    const delivered: ResponseDelivery[] = [];
    const entities = new EntityScheduler({
        functions: mockHarness.core,
        store,
        deliverResponse: (d) => void delivered.push(d),
    });
    return { entities, delivered, store };
}

describe("entity batch protocol (out-of-proc, through the app's entity function)", () => {
    it('runs a batch in order and returns state, results and per-operation errors', async () => {
        const outcome = await executeEntityBatch(mockHarness.core, counter('a'), { exists: false }, [
            call('add', 5),
            call('add', 2),
            call('get'),
            call('fail', 'x'),
        ]);
        expect(outcome.exists).toBe(true);
        expect(JSON.parse(outcome.state!)).toEqual({ value: 7, ops: ['add:5', 'add:2'] });
        expect(outcome.responses.slice(0, 3)).toEqual([{}, {}, { result: '7' }]);
        expect(outcome.responses[3].exceptionType).toBe('Error');
    });

    it('starts from the stored state and deletes on destructOnExit', async () => {
        const stored = { exists: true, state: JSON.stringify({ value: 40, ops: [] }) };
        const outcome = await executeEntityBatch(mockHarness.core, counter('b'), stored, [call('add', 2), call('get')]);
        expect(outcome.responses[1]).toEqual({ result: '42' });
        const deleted = await executeEntityBatch(mockHarness.core, counter('b'), stored, [signal('delete')]);
        expect(deleted).toMatchObject({ exists: false, state: undefined });
    });

    it('fails every operation, keeping the state, when the entity name has no entity function', async () => {
        const outcome = await executeEntityBatch(mockHarness.core, { name: 'nosuch', key: 'k' }, { exists: false }, [
            call('add', 1),
        ]);
        expect(outcome.exists).toBe(false);
        expect(outcome.responses[0].exceptionType).toBe('Error');
        expect(JSON.parse(outcome.responses[0].result!)).toMatch(/"nosuch" does not exist.*entities: counter/);
    });
});

describe('EntityScheduler', () => {
    it('processes the operations of one entity one at a time, in arrival order', async () => {
        const { entities } = scheduler();
        const amounts = Array.from({ length: 30 }, (_, i) => i + 1);
        for (const amount of amounts) entities.enqueue(counter('order'), signal('add', amount));
        await entities.idle();
        const state = JSON.parse(entities.readState(counter('order')).state!);
        expect(state.value).toBe(465);
        expect(state.ops).toEqual(amounts.map((a) => `add:${a}`));
    });

    it('answers calls to the calling orchestration, with errors flagged', async () => {
        const { entities, delivered } = scheduler();
        const get = call('get');
        const fail = call('fail', 'x');
        entities.enqueue(counter('c'), signal('add', 3));
        entities.enqueue(counter('c'), get);
        entities.enqueue(counter('c'), fail);
        await entities.idle();
        expect(delivered).toEqual([
            { parent: 'orch-1', parentExecution: 'exec-1', requestId: get.id, response: { result: '3' } },
            {
                parent: 'orch-1',
                parentExecution: 'exec-1',
                requestId: fail.id,
                response: expect.objectContaining({ exceptionType: 'Error' }),
            },
        ]);
    });

    it('delivers signals an entity sends to other entities', async () => {
        const { entities } = scheduler();
        entities.enqueue(counter('from'), signal('forward', { key: 'to', amount: 9 }));
        await entities.idle();
        expect(JSON.parse(entities.readState(counter('to')).state!).value).toBe(9);
    });

    it('runs a request delivered twice only once', async () => {
        const { entities } = scheduler();
        const add = signal('add', 1);
        entities.enqueue(counter('dup'), add);
        await entities.idle();
        entities.enqueue(counter('dup'), add);
        await entities.idle();
        expect(JSON.parse(entities.readState(counter('dup')).state!).value).toBe(1);
    });

    it('lists existing entities by name with state, and forgets deleted ones', async () => {
        const { entities } = scheduler();
        entities.signal(counter('x'), 'add', '1');
        entities.signal(counter('y'), 'add', '2');
        entities.signal(counter('y'), 'delete');
        await entities.idle();
        expect(entities.list({ name: 'Counter', fetchState: true })).toEqual([
            {
                entityId: { name: 'counter', key: 'x' },
                lastOperationTime: expect.any(String),
                state: { value: 1, ops: ['add:1'] },
            },
        ]);
        expect(entities.readState(counter('y'))).toEqual({ exists: false });
    });

    describe('on disk', () => {
        let dir: string;
        const opened: SqliteStore[] = [];
        /** A store on `dir`, closed before the directory goes (its checkpoint would find no database). */
        const open = (): SqliteStore => {
            const store = new SqliteStore(dir);
            opened.push(store);
            return store;
        };
        beforeEach(() => {
            dir = mkdtempSync(join(tmpdir(), 'entities-'));
        });
        afterEach(async () => {
            await Promise.all(opened.splice(0).map((store) => store.close()));
            rmSync(dir, { recursive: true, force: true });
        });

        it('keeps state across restarts and finishes requests accepted before a crash', async () => {
            const first = scheduler(open().entities);
            first.entities.signal(counter('p'), 'add', '5');
            await first.entities.idle();

            // A crash right after accepting a call: the request and an unsent response are on disk.
            const store = open().entities;
            const record = store.read(schedulerId(counter('p')))!;
            const pendingCall = call('get');
            record.pending.push(pendingCall);
            record.outbox.push({ kind: 'response', parent: 'orch-0', requestId: 'earlier', response: { result: '0' } });
            store.write(schedulerId(counter('p')), record);

            const second = scheduler(open().entities);
            second.entities.recover();
            await second.entities.idle();
            expect(second.delivered.map((d) => [d.requestId, d.response.result])).toEqual([
                ['earlier', '0'],
                [pendingCall.id, '5'],
            ]);
            expect(JSON.parse(second.entities.readState(counter('p')).state!).value).toBe(5);
        });
    });
});
