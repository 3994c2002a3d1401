import { AUTH_LEVELS } from '../../app/src/lib/authLevel';
import { appSettings, type FunctionAppArgs } from '../../infra/components/functionApp';

const args: FunctionAppArgs = {
    resourceGroupName: 'rg',
    location: 'swedencentral',
    tags: {},
    identity: {
        id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id',
        clientId: 'client-id',
    },
    storageAccountName: 'sthello',
    deploymentContainerUrl: 'https://sthello.blob.core.windows.net/app-package',
    appInsightsConnectionString: 'InstrumentationKey=k',
    nodeVersion: '22',
    maximumInstanceCount: 100,
    instanceMemoryMB: 2048,
    starterAuthLevel: 'anonymous',
};

describe('FunctionAppArgs.starterAuthLevel', () => {
    it('is one of the auth levels the starter reads (HTTP_START_AUTH_LEVEL), checked by the compiler', () => {
        expect(appSettings(args).HTTP_START_AUTH_LEVEL).toBe('anonymous');
        // `npm run typecheck` fails here if the field is a plain string.
        // @ts-expect-error 'admin' is no StarterAuthLevel.
        const unknownLevel: FunctionAppArgs['starterAuthLevel'] = 'admin';
        expect(AUTH_LEVELS).not.toContain(unknownLevel);
    });
});
