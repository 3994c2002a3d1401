import { runProgram, type ProgramRun } from '../support/pulumiMocks';

/**
 * `pulumi preview` of a stack whose deployment is unchanged: every resource's outputs are known, as they
 * are when the deployment id has not changed. The preview runs as the read-only identity (docs/ci-cd.md),
 * which has no right to read function keys: the program must not ask for one.
 * (`pulumi up` reads it: test/infra/program.test.ts.)
 */
let run: ProgramRun;

beforeAll(async () => {
    run = await runProgram({ location: 'swedencentral' }, { preview: true });
});

describe('a preview (pulumi preview, the read-only identity)', () => {
    it("never reads the starter's function key (no listkeys invoke)", () => {
        expect(run.calls.length).toBeGreaterThan(0);
        expect(run.calls.map((c) => c.token)).not.toContain('azure-native:web:listWebAppFunctionKeys');
        expect(run.calls.map((c) => c.token)).not.toContain('azure-native:web:listWebAppHostKeys');
    });

    it('shows the key as a computed secret, and every other output as in an update', () => {
        expect([...run.unknownOutputs]).toEqual(['starterKey']);
        expect(run.secretOutputs.has('starterKey')).toBe(true);
        expect(run.outputs.starterKey).toBeUndefined();
        const host = run.one('azure-native:web:WebApp').state.defaultHostName;
        expect(run.outputs.apiBaseUrl).toBe(`https://${host}/api`);
    });
});
