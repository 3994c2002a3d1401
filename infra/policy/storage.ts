import type { ResourceValidationPolicy } from '@pulumi/policy';
import { forType, types } from './report';

/** Storage Blob Data Reader (built-in role id, the same in every tenant). */
export const STORAGE_BLOB_DATA_READER = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1';
/** One blob container: never an account, resource group or subscription. */
const CONTAINER_SCOPE = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/[^/]+\/blobServices\/default\/containers\/[^/]+$/i;

const strongTls = ['TLS1_2', 'TLS1_3'];

export const storagePolicies: ResourceValidationPolicy[] = [
    forType(types.storageAccount, {
        name: 'storage-shared-key-access-disabled',
        description: 'Storage accounts reject shared key (account key and SAS) authorization; access goes through Entra ID roles.',
        check: (props, fail) => {
            if (props.allowSharedKeyAccess !== false) {
                fail(`allowSharedKeyAccess is ${String(props.allowSharedKeyAccess)} (Azure's default is true)`, 'set allowSharedKeyAccess: false and grant the app identity data-plane roles');
            }
        },
    }),
    forType(types.storageAccount, {
        name: 'storage-min-tls-1-2',
        description: 'Storage accounts accept TLS 1.2 or newer only.',
        check: (props, fail) => {
            if (!strongTls.includes(props.minimumTlsVersion)) {
                fail(`minimumTlsVersion is ${String(props.minimumTlsVersion)}`, "set minimumTlsVersion: 'TLS1_2'");
            }
        },
    }),
    forType(types.storageAccount, {
        name: 'storage-https-only',
        description: 'Storage accounts refuse plain http.',
        check: (props, fail) => {
            if (props.enableHttpsTrafficOnly !== true) {
                fail(`enableHttpsTrafficOnly is ${String(props.enableHttpsTrafficOnly)}`, 'set enableHttpsTrafficOnly: true (ARM: supportsHttpsTrafficOnly)');
            }
        },
    }),
    forType(types.storageAccount, {
        name: 'storage-no-public-blob-access',
        description: 'Storage accounts forbid anonymous (public) blob access.',
        check: (props, fail) => {
            if (props.allowBlobPublicAccess !== false) {
                fail(`allowBlobPublicAccess is ${String(props.allowBlobPublicAccess)}`, 'set allowBlobPublicAccess: false');
            }
        },
    }),
    forType(types.roleAssignment, {
        name: 'blob-reader-scoped-to-container',
        description:
            'Storage Blob Data Reader is granted on one blob container (the deploying principal reads the package the app runs from the deployment container), never on an account, resource group or subscription, where it would read the Durable state too.',
        check: (props, fail) => {
            const role = String(props.roleDefinitionId ?? '').split('/').pop()?.toLowerCase();
            // An unknown scope (preview of a new container) is checked again at update, when it is known.
            if (role !== STORAGE_BLOB_DATA_READER || typeof props.scope !== 'string') return;
            if (!CONTAINER_SCOPE.test(props.scope)) {
                fail(`grants Storage Blob Data Reader on ${props.scope}`, 'set scope to the deployment container (.../storageAccounts/<account>/blobServices/default/containers/<name>)');
            }
        },
    }),
    forType(types.blobContainer, {
        name: 'blob-container-private',
        description: 'Blob containers (e.g. the deployment container) are never publicly readable.',
        check: (props, fail) => {
            if (props.publicAccess !== undefined && props.publicAccess !== 'None') {
                fail(`publicAccess is ${String(props.publicAccess)}`, "remove publicAccess or set it to 'None'");
            }
        },
    }),
];
