import { ConfigError, readConfig, type StackConfig } from '../../infra/config';
import { roleDefinitionId, uuidV5 } from '../../infra/roles';

const source = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

function problemsOf(values: Record<string, string>): string[] {
    try {
        readConfig(source(values), 'dev');
    } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems;
    }
    throw new Error('expected a ConfigError');
}

describe('readConfig', () => {
    it('needs only the location; everything else has a default', () => {
        const config: StackConfig = readConfig(source({ location: 'swedencentral' }), 'dev');
        expect(config).toEqual({
            location: 'swedencentral',
            maximumInstanceCount: 100,
            instanceMemoryMB: 2048,
            nodeVersion: '22',
            starterAuthLevel: 'function',
            tags: { app: 'durable-hello', stack: 'dev' },
            durableBackend: 'azureStorage',
            network: 'public',
        });
    });

    it('reads every key, normalising case, and merges tags over the defaults', () => {
        const config = readConfig(
            source({
                location: 'SwedenCentral',
                maximumInstanceCount: '40',
                instanceMemoryMB: '4096',
                nodeVersion: '22',
                starterAuthLevel: 'Anonymous',
                tags: JSON.stringify({ owner: 'team-a', stack: 'prod-like' }),
            }),
            'dev',
        );
        expect(config).toMatchObject({
            location: 'swedencentral',
            maximumInstanceCount: 40,
            instanceMemoryMB: 4096,
            nodeVersion: '22',
            starterAuthLevel: 'anonymous',
        });
        expect(config.tags).toEqual({ app: 'durable-hello', stack: 'prod-like', owner: 'team-a' });
    });

    it('requires the location and says how to set it', () => {
        expect(problemsOf({})).toEqual([
            expect.stringMatching(/^durable-hello:location is required.*pulumi config set location/),
        ]);
        expect(problemsOf({ location: 'west europe!' })[0]).toMatch(/durable-hello:location is 'west europe!'/);
    });

    it.each([
        ['instanceMemoryMB', '1024', /durable-hello:instanceMemoryMB is '1024'; allowed values: 512, 2048, 4096/],
        [
            'nodeVersion',
            '18',
            /durable-hello:nodeVersion is '18'; allowed values: 22 \(default 22, list as of 2026-11-25\)\. not a Node.js major version/,
        ],
        [
            'nodeVersion',
            '20',
            /durable-hello:nodeVersion is '20'; allowed values: 22 .*Node.js 20 reached end of life on 2026-04-30.*; set 22 or remove the key\./,
        ],
        [
            'nodeVersion',
            '24',
            /durable-hello:nodeVersion is '24'; allowed values: 22 .*not generally available on Flex Consumption/,
        ],
        ['starterAuthLevel', 'admin', /durable-hello:starterAuthLevel is 'admin'; allowed values: function, anonymous/],
        [
            'maximumInstanceCount',
            '0',
            /durable-hello:maximumInstanceCount is '0'; expected a whole number from 40 to 1000 \(default 100\)\. Azure's limit, per .*vscode-azurefunctions/,
        ],
        ['maximumInstanceCount', '39', /from 40 to 1000/],
        ['maximumInstanceCount', '1001', /from 40 to 1000/],
        ['maximumInstanceCount', '2.5', /from 40 to 1000/],
        [
            'instanceMemoryMB',
            '1024',
            /durable-hello:instanceMemoryMB is '1024'; allowed values: 512, 2048, 4096 .*Azure's limit, per https:\/\/learn\.microsoft\.com\/azure\/azure-functions\/flex-consumption-plan#instance-memory/,
        ],
        ['tags', '["a"]', /durable-hello:tags must be a map/],
        ['tags', '{"owner": 1}', /durable-hello:tags entry 'owner' must be a string/],
        ['tags', '{"a/b": "x"}', /durable-hello:tags name 'a\/b' must be 1-512 characters without/],
        ['tags', JSON.stringify({ long: 'x'.repeat(257) }), /value of 'long' is 257 characters/],
    ])('rejects a bad %s naming the key and what is allowed', (key, value, message) => {
        expect(problemsOf({ location: 'swedencentral', [key]: value })).toEqual([expect.stringMatching(message)]);
    });

    it('reports every problem at once', () => {
        const err = (() => {
            try {
                readConfig(source({ nodeVersion: '16', instanceMemoryMB: 'big' }), 'dev');
            } catch (e) {
                return e as Error;
            }
        })();
        expect(err?.message).toMatch(
            /^Invalid stack configuration:\n {2}- durable-hello:location .*\n {2}- durable-hello:instanceMemoryMB .*\n {2}- durable-hello:nodeVersion /,
        );
    });
});

describe('role assignment naming', () => {
    it('is an RFC 4122 version 5 UUID (matches a reference implementation)', () => {
        // python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, 'https://example.com/a|b|c'))"
        expect(uuidV5('https://example.com/a|b|c')).toBe('3c83fcfa-220b-53e5-b69e-e178bb5a20c8');
    });

    it('builds subscription-scoped role definition ids', () => {
        expect(roleDefinitionId('sub-1', 'Storage Blob Data Owner')).toBe(
            '/subscriptions/sub-1/providers/Microsoft.Authorization/roleDefinitions/b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
        );
    });
});
