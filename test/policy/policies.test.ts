import { policies } from '../../infra/policy/policies';
import { breakingCases } from './breakingCases';
import { compliantStack } from './fixtures';
import { evaluate } from './harness';

describe('security policy pack', () => {
    it('passes a compliant Flex stack', async () => {
        expect(await evaluate(compliantStack())).toEqual([]);
    });

    it('has a breaking case for every policy', () => {
        expect(breakingCases.map((c) => c.policy).sort()).toEqual(policies.map((p) => p.name).sort());
    });

    it.each(breakingCases)(
        '$policy fails on a resource that breaks it, naming the resource and the fix',
        async ({ policy, resource, fix, stack }) => {
            const violations = await evaluate(stack());
            const mine = violations.filter((v) => v.policy === policy);
            expect(mine).toHaveLength(1);
            expect(mine[0].message).toContain(`"${resource}" (urn:pulumi:`);
            expect(mine[0].message).toMatch(/Fix: /);
            expect(mine[0].message.split('Fix: ')[1]).toContain(fix);
            // Breaking one invariant trips only its own policy (credential checks overlap on purpose: see below).
            expect(violations.filter((v) => v.policy !== policy && v.policy !== 'no-credentials-in-inputs')).toEqual(
                [],
            );
        },
    );

    it('flags a missing SCM/FTP publishing switch, not just a wrong one', async () => {
        const violations = await evaluate(compliantStack().filter((r) => r.name !== 'app-ftp'));
        expect(violations).toEqual([
            {
                policy: 'basic-publishing-credentials-disabled',
                message: expect.stringContaining('has no web.WebAppFtpAllowed'),
            },
        ]);
    });

    it('reads app settings from a separate WebAppApplicationSettings resource too', async () => {
        const stack = compliantStack().map((r) =>
            r.name === 'app' ? { ...r, props: { ...r.props, siteConfig: { minTlsVersion: '1.2' } } } : r,
        );
        stack.push({
            type: 'azure-native:web:WebAppApplicationSettings',
            name: 'app-settings',
            props: {
                name: 'func-hello-1234',
                properties: {
                    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
                    AzureWebJobsStorage__accountName: 'st',
                    AzureWebJobsStorage__credential: 'managedidentity',
                },
            },
        });
        const violations = await evaluate(stack);
        expect(violations.map((v) => v.policy)).toEqual(['function-app-identity-based-storage']);
        expect(violations[0].message).toContain('sets AzureWebJobsStorage, a connection string');
    });

    it.each(breakingCases.filter((c) => c.policy.startsWith('flex-') && c.policy !== 'flex-consumption-plan'))(
        '$policy names the Azure rule and its source',
        async ({ policy, stack }) => {
            const [violation] = (await evaluate(stack())).filter((v) => v.policy === policy);
            expect(violation.message).toMatch(
                /[(;] ?source: (https:\/\/learn\.microsoft\.com\/|ARM 51021, pulumi\/pulumi-azure-native#4168|microsoft\/vscode-azurefunctions)/,
            );
        },
    );

    it("accepts alwaysOn: false on a Flex site (Microsoft's own templates send it) and rejects alwaysOn: true", async () => {
        const withAlwaysOn = (value: boolean) =>
            compliantStack().map((r) =>
                r.name === 'app'
                    ? { ...r, props: { ...r.props, siteConfig: { ...r.props.siteConfig, alwaysOn: value } } }
                    : r,
            );
        expect(await evaluate(withAlwaysOn(false))).toEqual([]);
        expect((await evaluate(withAlwaysOn(true))).map((v) => v.policy)).toEqual(['flex-site-config-accepted']);
    });
});
