import * as pulumi from '@pulumi/pulumi';
import { teardownProvider } from '../../infra/teardown/provider';
import { asPulumiRunsIt } from '../support/serializedProvider';

const SITE = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/func-hello';

describe('the teardown provider as Pulumi runs it (serialized, then loaded from its text)', () => {
    let provider: pulumi.dynamic.ResourceProvider;
    const savedEnv = process.env.AZURE_TOKEN_CREDENTIALS;

    beforeAll(async () => {
        provider = await asPulumiRunsIt(teardownProvider);
        // Only the environment credential (no variables set here): fails at once instead of probing IMDS or az.
        process.env.AZURE_TOKEN_CREDENTIALS = 'EnvironmentCredential';
    });
    afterAll(() => {
        if (savedEnv === undefined) delete process.env.AZURE_TOKEN_CREDENTIALS;
        else process.env.AZURE_TOKEN_CREDENTIALS = savedEnv;
    });

    it('does nothing on create and replaces only when the step or its resource changes', async () => {
        const inputs = { step: 'disconnectVnetIntegration', resourceId: SITE };
        await expect(provider.create!(inputs)).resolves.toEqual({
            id: `disconnectVnetIntegration:${SITE}`,
            outs: inputs,
        });
        await expect(provider.diff!('id', inputs, inputs)).resolves.toMatchObject({ changes: false });
        await expect(provider.diff!('id', inputs, { ...inputs, resourceId: `${SITE}2` })).resolves.toMatchObject({
            changes: true,
            replaces: ['resourceId'],
        });
    });

    it('checks its inputs', async () => {
        const { failures } = await provider.check!({}, { step: 'dropEverything', resourceId: 'x' });
        expect(failures?.map((f) => f.property)).toEqual(['step', 'resourceId']);
    });

    it('runs its step on delete with an ARM token from @azure/identity, saying how to sign in when there is none', async () => {
        await expect(provider.delete!('id', { step: 'disconnectVnetIntegration', resourceId: SITE })).rejects.toThrow(
            /Could not get an Entra ID token for https:\/\/management\.azure\.com\/\.default: .*EnvironmentCredential.*az login/s,
        );
    });
});
