import { findSecrets } from '../../infra/policy/secrets';
import { runProgram, type ProgramRun } from '../support/pulumiMocks';
import { evaluate, type StubResource } from './harness';

/**
 * The real program (infra/index.ts) under Pulumi mocks, checked by the whole pack. Stack outputs are
 * invisible to policy packs, so the output invariant (no key, SAS or secret connection string; the
 * starter URL's function key only as a secret) is asserted here instead.
 */
let run: ProgramRun;

beforeAll(async () => {
    run = await runProgram({ location: 'swedencentral' });
});

/** What the engine hands the pack: the inputs after the provider's check, which fills in autonames. */
function asPolicyInput(r: ProgramRun['custom'][number]): StubResource {
    return {
        type: r.type,
        name: r.name,
        props: r.type === 'azure-native:web:WebApp' ? { ...r.inputs, name: r.state.name } : r.inputs,
    };
}

it('the program passes every policy of the pack', async () => {
    expect(run.custom.map((r) => r.type)).toEqual(
        expect.arrayContaining([
            'azure-native:storage:StorageAccount',
            'azure-native:web:WebApp',
            'azure-native:web:AppServicePlan',
        ]),
    );
    expect(await evaluate(run.custom.map(asPolicyInput))).toEqual([]);
});

it('no stack output holds a credential, and the key-bearing starter URL is a secret', () => {
    expect(findSecrets(run.outputs)).toEqual([]);
    for (const [name, value] of Object.entries(run.outputs)) {
        if (/[?&]code=/.test(String(value)))
            expect({ name, secret: run.secretOutputs.has(name) }).toEqual({ name, secret: true });
    }
});
