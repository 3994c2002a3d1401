import type { ResourceValidationPolicy } from '@pulumi/policy';
import { forType, types } from './report';

/**
 * The read-only data roles the stack grants (built-in role ids, the same in every tenant; infra/roles.ts): the replay
 * check's (`npm run replay-check`, on the storage account or scheduler: it reads the Durable state by design) and the
 * deploying principal's Storage Blob Data Reader on the deployment container (the package the app runs).
 */
export const DATA_READER_ROLES = {
    '76199698-9eea-4c19-bc75-cec21354c6b6': { name: 'Storage Table Data Reader', scope: 'storage' },
    '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1': { name: 'Storage Blob Data Reader', scope: 'storage' },
    'd6a5505f-6ebb-45a4-896e-ac8274cfc0ac': { name: 'Durable Task Data Reader', scope: 'scheduler' },
} as const;

const SCOPES = {
    storage: {
        // The account, or one blob container in it (the deployer's read of the deployment container).
        pattern:
            /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/[^/]+(\/blobServices\/default\/containers\/[^/]+)?$/i,
        fix: 'set scope to the storage account id (Microsoft.Storage/storageAccounts/<name>) or one blob container in it',
    },
    scheduler: {
        pattern:
            /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.DurableTask\/schedulers\/[^/]+(\/taskHubs\/[^/]+)?$/i,
        fix: 'set scope to the scheduler id (Microsoft.DurableTask/schedulers/<name>)',
    },
} as const;

export const readerRolePolicies: ResourceValidationPolicy[] = [
    forType(types.roleAssignment, {
        name: 'data-readers-scoped-to-the-app',
        description:
            "Read-only data roles (the replay check's Storage Table/Blob Data Reader and Durable Task Data Reader, the deployer's Storage Blob Data Reader) are granted on the app's storage account, one of its blob containers, or its scheduler, never on a resource group or subscription.",
        check: (props, fail) => {
            const id =
                String(props.roleDefinitionId ?? '')
                    .split('/')
                    .pop()
                    ?.toLowerCase() ?? '';
            const role = DATA_READER_ROLES[id as keyof typeof DATA_READER_ROLES];
            // An unknown scope (preview of a new account) is checked again at update, when it is known.
            if (!role || typeof props.scope !== 'string') return;
            const scope = SCOPES[role.scope];
            if (!scope.pattern.test(props.scope)) fail(`grants ${role.name} on ${props.scope}`, scope.fix);
        },
    }),
];
