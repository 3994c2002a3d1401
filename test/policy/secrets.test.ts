import { findSecrets } from '../../infra/policy/secrets';

describe('findSecrets', () => {
    it.each([
        [
            'storage connection string',
            'DefaultEndpointsProtocol=https;AccountName=st;AccountKey=Zm9vYmFy==;EndpointSuffix=core.windows.net',
            'AccountKey',
        ],
        [
            'SAS connection string',
            'BlobEndpoint=https://st.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&sig=abc',
            'SharedAccessSignature',
        ],
        ['SAS URL', 'https://st.blob.core.windows.net/app/app.zip?sv=2022-11-02&se=2030-01-01&sp=r&sig=abc%3D', 'sig='],
        [
            'Service Bus key',
            'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=abc=',
            'SharedAccessKey',
        ],
        ['SQL password', 'Server=tcp:db.database.windows.net;Database=d;User ID=u;Password=p4ss;', 'Password'],
    ])('finds a %s', (_label, value, kind) => {
        expect(findSecrets({ siteConfig: { appSettings: [{ name: 'X', value }] } })).toEqual([
            { path: 'siteConfig.appSettings[0].value', kind: expect.stringContaining(kind) },
        ]);
    });

    it.each([
        [
            'identity-based storage settings',
            { AzureWebJobsStorage__accountName: 'st', AzureWebJobsStorage__credential: 'managedidentity' },
        ],
        [
            'an Application Insights connection string (the key is an identifier; local auth is off)',
            'InstrumentationKey=0000;IngestionEndpoint=https://x.in.applicationinsights.azure.com/;LiveEndpoint=https://x/',
        ],
        [
            'a DTS connection string with managed identity',
            'Endpoint=https://s.durabletask.io;Authentication=ManagedIdentity;ClientID=0000',
        ],
        ['a plain blob URL', 'https://st.blob.core.windows.net/app-package'],
        ['numbers, booleans and null', [1, true, null]],
    ])('accepts %s', (_label, value) => {
        expect(findSecrets(value)).toEqual([]);
    });
});
