import type { ResourceValidationPolicy } from '@pulumi/policy';
import { forType, types } from './report';

/** The read-only data roles `npm run replay-check` gets (built-in role ids, the same in every tenant; infra/roles.ts). */
export const REPLAY_CHECK_READER_ROLES = {
    '76199698-9eea-4c19-bc75-cec21354c6b6': { name: 'Storage Table Data Reader', scope: 'storage' },
    '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1': { name: 'Storage Blob Data Reader', scope: 'storage' },
    'd6a5505f-6ebb-45a4-896e-ac8274cfc0ac': { name: 'Durable Task Data Reader', scope: 'scheduler' },
} as const;

const SCOPES = {
    storage: {
        pattern: /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/[^/]+$/i,
        fix: 'set scope to the storage account id (Microsoft.Storage/storageAccounts/<name>)',
    },
    scheduler: {
        pattern: /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.DurableTask\/schedulers\/[^/]+(\/taskHubs\/[^/]+)?$/i,
        fix: 'set scope to the scheduler id (Microsoft.DurableTask/schedulers/<name>)',
    },
} as const;

export const readerRolePolicies: ResourceValidationPolicy[] = [
    forType(types.roleAssignment, {
        name: 'replay-check-readers-scoped-to-the-task-hub',
        description:
            "The replay check's read roles (Storage Table/Blob Data Reader, Durable Task Data Reader) are granted on the app's storage account or scheduler, never on a resource group or subscription.",
        check: (props, fail) => {
            const id = String(props.roleDefinitionId ?? '').split('/').pop()?.toLowerCase() ?? '';
            const role = REPLAY_CHECK_READER_ROLES[id as keyof typeof REPLAY_CHECK_READER_ROLES];
            // An unknown scope (preview of a new account) is checked again at update, when it is known.
            if (!role || typeof props.scope !== 'string') return;
            const scope = SCOPES[role.scope];
            if (!scope.pattern.test(props.scope)) fail(`grants ${role.name} on ${props.scope}`, scope.fix);
        },
    }),
];
