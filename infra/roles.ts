import * as crypto from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import { PROJECT } from './project';

/**
 * Built-in role definition ids (the same in every tenant): https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
 */
export const ROLES = {
    'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
    'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
    'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
    'Durable Task Data Contributor': '0ad04412-c4d5-4796-b79c-f76d14c8d402',
    // Read-only, for `npm run replay-check` (infra/replayCheckRoles.ts).
    'Storage Table Data Reader': '76199698-9eea-4c19-bc75-cec21354c6b6',
    // Also the deploying principal's, on the deployment container only: reads the package the app runs
    // (infra/deployment/packageCheck.ts).
    'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
    'Durable Task Data Reader': 'd6a5505f-6ebb-45a4-896e-ac8274cfc0ac',
} as const;
export type RoleName = keyof typeof ROLES;

export type PrincipalType = 'ServicePrincipal' | 'User' | 'Group';

export interface RoleGrant {
    role: RoleName;
    scope: pulumi.Input<string>;
    principalId: pulumi.Input<string>;
    /**
     * Always sent, and it must be the principal's real type: azure-native sends 'User' when it is left out
     * (@pulumi/azure-native authorization/roleAssignment.js, `args.principalType ?? "User"`), ARM refuses a type
     * that does not match the principal (UnmatchedPrincipalType, e.g. Azure/modern-web-app-pattern-dotnet#129),
     * and a creator whose role-assignment rights carry an ABAC condition on PrincipalType must send it
     * (hashicorp/terraform-provider-azurerm website/docs/r/role_assignment.html.markdown, principal_type).
     */
    principalType: PrincipalType;
}

// RFC 4122 URL namespace; any fixed namespace works, it only has to never change.
const NAMESPACE = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');

/** RFC 4122 version 5 UUID: the same inputs always give the same role assignment name. */
export function uuidV5(name: string): string {
    const hash = crypto.createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
    const bytes = hash.subarray(0, 16);
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function roleDefinitionId(subscriptionId: string, role: RoleName): string {
    return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLES[role]}`;
}

/** Logical resource name: stable per role and target so a changed principal updates in place of a rename. */
function logicalName(prefix: string, grant: RoleGrant): string {
    return `${prefix}-${grant.role.toLowerCase().replace(/\s+/g, '-')}`;
}

/**
 * One managed role assignment per grant (so `pulumi destroy` removes it), named by a UUID derived from
 * scope + role + principal: re-running is idempotent and a new principal or scope replaces it cleanly.
 */
export function assignRoles(
    prefix: string,
    grants: RoleGrant[],
    parent: pulumi.Resource,
): authorization.RoleAssignment[] {
    const subscriptionId = authorization.getClientConfigOutput({ parent }).subscriptionId;
    return grants.map((grant) => {
        const definition = subscriptionId.apply((sub) => roleDefinitionId(sub, grant.role));
        return new authorization.RoleAssignment(
            logicalName(prefix, grant),
            {
                scope: grant.scope,
                principalId: grant.principalId,
                principalType: grant.principalType,
                roleDefinitionId: definition,
                roleAssignmentName: pulumi
                    .all([grant.scope, definition, grant.principalId])
                    .apply(([scope, def, principal]) => uuidV5(`${scope}|${def}|${principal}`)),
                description: `${grant.role} for ${PROJECT} (Pulumi stack ${pulumi.getStack()})`,
            },
            { parent },
        );
    });
}
