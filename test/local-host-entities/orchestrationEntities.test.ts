import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../tools/local-host/engine/engine';
import { attachEntities, recoverEntities } from '../../tools/local-host/engine/entities/orchestrationBridge';
import type { EntityScheduler } from '../../tools/local-host/engine/entities/entityScheduler';
import { SqliteStore } from '../../tools/local-host/store/sqliteStore';
import { AppHarness } from '../support/appHarness';

const mockHarness = new AppHarness();
jest.mock('@azure/functions-core', () => mockHarness.core.api, { virtual: true });

require('../apps/entity-counter/index.js');

let dir: string;
let engine: Engine;
let entities: EntityScheduler;

function host(): void {
    engine = new Engine(mockHarness.core, new SqliteStore(dir));
    entities = attachEntities(engine);
}

async function settled(instanceId: string) {
    for (let i = 0; i < 200; i++) {
        await engine.whenIdle();
        await entities.idle();
        const record = engine.get(instanceId)!;
        if (['Completed', 'Failed', 'Terminated'].includes(record.runtimeStatus)) return record;
        await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`${instanceId} did not finish`);
}

beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orch-entities-'));
    host();
});
afterEach(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
});

describe('orchestrations and entities', () => {
    it('signals and calls a counter from an orchestration, in order, and returns its value', async () => {
        await engine.start('counterOrchestration', JSON.stringify({ key: 'k1', signals: [1, 2], calls: [3, 4] }), 'o1');
        const record = await settled('o1');
        expect(record.runtimeStatus).toBe('Completed');
        expect(JSON.parse(record.output!)).toBe(10);
        expect(JSON.parse(entities.readState({ name: 'counter', key: 'k1' }).state!).ops).toEqual([
            'add:1',
            'add:2',
            'add:3',
            'add:4',
        ]);
    });

    it('surfaces an operation error to the calling orchestration as a catchable error', async () => {
        await engine.start('failingCallOrchestration', JSON.stringify('k2'), 'o2');
        const record = await settled('o2');
        expect(record.runtimeStatus).toBe('Completed');
        // durable-functions serializes an operation's Error with JSON.stringify ("{}"), so the message is lost, in
        // Azure too.
        expect(JSON.parse(record.output!)).toBe('caught: [object Object]');
    });

    it('finishes a call whose hand-over to the entity was cut off by a stop', async () => {
        entities.enqueue = () => undefined; // the host stops between committing EventSent and handing it over
        await engine.start('counterOrchestration', JSON.stringify({ key: 'k3', calls: [5] }), 'o3');
        await engine.whenIdle();
        expect(engine.get('o3')!.runtimeStatus).toBe('Running');
        await engine.close();
        host();
        await engine.recover();
        recoverEntities(engine, entities);
        const record = await settled('o3');
        expect(JSON.parse(record.output!)).toBe(5);
        expect(JSON.parse(entities.readState({ name: 'counter', key: 'k3' }).state!).ops).toEqual(['add:5']);
    });

    it('fails the orchestration when it calls an entity no function implements', async () => {
        await engine.start('ghostCallOrchestration', undefined, 'o4');
        const record = await settled('o4');
        expect(record.runtimeStatus).toBe('Failed');
        expect(JSON.parse(record.output!)).toMatch(
            /The function 'ghost' doesn't exist, is disabled, or is not an entity function/,
        );
    });
});
