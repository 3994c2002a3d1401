import type { ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { forType, reportOn, types } from './report';

/** Durable Task Data Contributor (built-in role id, the same in every tenant). */
export const DURABLE_TASK_DATA_CONTRIBUTOR = '0ad04412-c4d5-4796-b79c-f76d14c8d402';

/** A scheduler, or a task hub inside one: never a resource group, subscription or other resource. */
const SCHEDULER_SCOPE =
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.DurableTask\/schedulers\/[^/]+(\/taskHubs\/[^/]+)?$/i;

export const productionOptionPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    {
        name: 'isolated-storage-no-public-access',
        description:
            'When a function app is integrated with a virtual network (network: isolated), every storage account turns public network access off and denies by default.',
        validateStack: ({ resources }, report) => {
            const isolatedApps = resources.filter(
                (r) => r.type === types.webApp && typeof r.props.virtualNetworkSubnetId === 'string',
            );
            if (isolatedApps.length === 0) return;
            for (const account of resources.filter((r) => r.type === types.storageAccount)) {
                const fail = reportOn(account, report);
                if (account.props.publicNetworkAccess !== 'Disabled') {
                    fail(
                        `publicNetworkAccess is ${String(account.props.publicNetworkAccess)} in an isolated stack`,
                        "set publicNetworkAccess: 'Disabled' and reach storage through private endpoints",
                    );
                }
                if (account.props.networkRuleSet?.defaultAction !== 'Deny') {
                    fail(
                        `networkRuleSet.defaultAction is ${String(account.props.networkRuleSet?.defaultAction)} in an isolated stack`,
                        "set networkRuleSet: { defaultAction: 'Deny', bypass: 'None' }",
                    );
                }
            }
        },
    },
    forType(types.roleAssignment, {
        name: 'durable-task-role-scoped-to-scheduler',
        description:
            'Durable Task Data Contributor is granted on a Durable Task Scheduler (or one of its task hubs), never on a resource group or subscription.',
        check: (props, fail) => {
            const role = String(props.roleDefinitionId ?? '')
                .split('/')
                .pop()
                ?.toLowerCase();
            // An unknown scope (preview of a new scheduler) is checked again at update, when it is known.
            if (role !== DURABLE_TASK_DATA_CONTRIBUTOR || typeof props.scope !== 'string') return;
            if (!SCHEDULER_SCOPE.test(props.scope)) {
                fail(
                    `grants Durable Task Data Contributor on ${props.scope}`,
                    'set scope to the scheduler id (Microsoft.DurableTask/schedulers/<name>)',
                );
            }
        },
    }),
];
