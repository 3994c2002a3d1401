import type { ResourceValidationPolicy } from '@pulumi/policy';
import { forType, reportOn, types } from './report';
import { findSecrets } from './secrets';

const strongTls = ['1.2', '1.3'];

export const sitePolicies: ResourceValidationPolicy[] = [
    forType(types.webApp, {
        name: 'function-app-https-only',
        description: 'Function apps redirect http to https.',
        check: (props, fail) => {
            if (props.httpsOnly !== true) fail(`httpsOnly is ${String(props.httpsOnly)}`, 'set httpsOnly: true');
        },
    }),
    forType(types.webApp, {
        name: 'function-app-min-tls-1-2',
        description: 'Function apps (site and SCM endpoint) accept TLS 1.2 or newer only.',
        check: (props, fail) => {
            const siteConfig = props.siteConfig ?? {};
            if (!strongTls.includes(siteConfig.minTlsVersion)) {
                fail(
                    `siteConfig.minTlsVersion is ${String(siteConfig.minTlsVersion)}`,
                    "set siteConfig.minTlsVersion: '1.2'",
                );
            }
            if (siteConfig.scmMinTlsVersion !== undefined && !strongTls.includes(siteConfig.scmMinTlsVersion)) {
                fail(
                    `siteConfig.scmMinTlsVersion is ${String(siteConfig.scmMinTlsVersion)}`,
                    "set siteConfig.scmMinTlsVersion: '1.2' or leave it unset",
                );
            }
        },
    }),
    forType(types.webApp, {
        name: 'function-app-managed-identity',
        description:
            'Function apps run with a managed identity and pull their deployment package with it, not with a key.',
        check: (props, fail) => {
            const identityType = String(props.identity?.type ?? 'None');
            if (!/Assigned/.test(identityType)) {
                fail(
                    `identity.type is ${identityType}`,
                    "set identity: { type: 'UserAssigned', userAssignedIdentities: [<identity id>] }",
                );
            }
            const auth = props.functionAppConfig?.deployment?.storage?.authentication;
            if (auth && !['UserAssignedIdentity', 'SystemAssignedIdentity'].includes(auth.type)) {
                fail(
                    `functionAppConfig.deployment.storage.authentication.type is ${String(auth.type)}`,
                    "use type 'UserAssignedIdentity' with userAssignedIdentityResourceId",
                );
            }
        },
    }),
    forType(types.plan, {
        name: 'flex-consumption-plan',
        description: 'The function app plan is Flex Consumption (SKU FC1, tier FlexConsumption) on Linux.',
        check: (props, fail) => {
            const sku = props.sku ?? {};
            if (sku.name !== 'FC1' || sku.tier !== 'FlexConsumption') {
                fail(`sku is ${JSON.stringify(sku)}`, "set sku: { name: 'FC1', tier: 'FlexConsumption' }");
            }
            if (props.reserved !== true)
                fail(`reserved is ${String(props.reserved)} (Flex runs on Linux only)`, 'set reserved: true');
        },
    }),
    {
        name: 'no-credentials-in-inputs',
        description:
            'No resource input (app settings, connection strings, deployment URLs, ...) holds an account key, SAS token or secret connection string.',
        validateResource: (args, report) => {
            const fail = reportOn(args, report);
            for (const finding of findSecrets(args.props)) {
                fail(
                    `${finding.path} holds ${finding.kind}`,
                    'remove it; authenticate with the managed identity (e.g. AzureWebJobsStorage__accountName + AzureWebJobsStorage__credential=managedidentity) and role assignments, and keep any unavoidable secret in a Pulumi secret outside app settings',
                );
            }
        },
    },
];
