import type { ResourceValidationPolicy } from '@pulumi/policy';
import { forType, types } from './report';

const strongTls = ['TLS1_2', 'TLS1_3'];

export const storagePolicies: ResourceValidationPolicy[] = [
    forType(types.storageAccount, {
        name: 'storage-shared-key-access-disabled',
        description:
            'Storage accounts reject shared key (account key and SAS) authorization; access goes through Entra ID roles.',
        check: (props, fail) => {
            if (props.allowSharedKeyAccess !== false) {
                fail(
                    `allowSharedKeyAccess is ${String(props.allowSharedKeyAccess)} (Azure's default is true)`,
                    'set allowSharedKeyAccess: false and grant the app identity data-plane roles',
                );
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
                fail(
                    `enableHttpsTrafficOnly is ${String(props.enableHttpsTrafficOnly)}`,
                    'set enableHttpsTrafficOnly: true (ARM: supportsHttpsTrafficOnly)',
                );
            }
        },
    }),
    forType(types.storageAccount, {
        name: 'storage-no-public-blob-access',
        description: 'Storage accounts forbid anonymous (public) blob access.',
        check: (props, fail) => {
            if (props.allowBlobPublicAccess !== false) {
                fail(
                    `allowBlobPublicAccess is ${String(props.allowBlobPublicAccess)}`,
                    'set allowBlobPublicAccess: false',
                );
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
