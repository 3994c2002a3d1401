import { runProgram, type ProgramRun } from '../support/pulumiMocks';
import { appSettingsOf } from './assertions';
import { expectDeployerReadsDeploymentContainer } from './combinations';

const CI_DEPLOYER = '0a0b0c0d-1111-4222-8333-444455556666';

let run: ProgramRun;

beforeAll(async () => {
    run = await runProgram({
        location: 'northeurope',
        starterAuthLevel: 'anonymous',
        maximumInstanceCount: '40',
        instanceMemoryMB: '4096',
        nodeVersion: '22',
        tags: { owner: 'team-a' },
        deployerPrincipalId: CI_DEPLOYER,
    });
});

describe('a stack that sets every config key', () => {
    it('passes scale, memory and runtime to functionAppConfig', () => {
        expect(run.one('azure-native:web:WebApp').inputs.functionAppConfig).toMatchObject({
            runtime: { name: 'node', version: '22' },
            scaleAndConcurrency: { maximumInstanceCount: 40, instanceMemoryMB: 4096 },
        });
    });

    it('tags every taggable resource with the defaults plus the configured tags', () => {
        const tagged = run.custom.filter((r) => r.inputs.location !== undefined);
        expect(tagged.length).toBeGreaterThan(5);
        for (const r of tagged) {
            expect([r.type, r.inputs.location, r.inputs.tags]).toEqual([
                r.type,
                'northeurope',
                { app: 'durable-hello', stack: 'dev', owner: 'team-a' },
            ]);
        }
    });

    it('grants the deployment container read to the configured deployer, whoever runs the program (a preview by another identity plans no change)', () => {
        expectDeployerReadsDeploymentContainer(run, { principalId: CI_DEPLOYER, principalType: 'ServicePrincipal' });
    });

    it('makes the starter anonymous: app setting, the package indexed with it, and an empty key that is still a secret', () => {
        expect(appSettingsOf(run).HTTP_START_AUTH_LEVEL).toBe('anonymous');
        const host = run.one('azure-native:web:WebApp').state.defaultHostName;
        expect(run.outputs.apiBaseUrl).toBe(`https://${host}/api`);
        expect(run.outputs.starterKey).toBe('');
        expect(run.secretOutputs.has('starterKey')).toBe(true);
        expect(run.calls.map((c) => c.token)).not.toContain('azure-native:web:listWebAppFunctionKeys');
    });
});
