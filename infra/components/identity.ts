import * as pulumi from '@pulumi/pulumi';
import type * as authorization from '@pulumi/azure-native/authorization';
import * as managedidentity from '@pulumi/azure-native/managedidentity';
import { assignRoles, type RoleName } from '../roles';
import { childName } from './naming';
import { componentType, type Placement } from './placement';

export interface IdentityArgs extends Placement {
    /** Exactly the roles the app needs, each on the narrowest scope that works. */
    roles: { role: RoleName; scope: pulumi.Input<string> }[];
}

/** The app's user-assigned managed identity and its role assignments, all managed by the stack. */
export class AppIdentity extends pulumi.ComponentResource {
    readonly id: pulumi.Output<string>;
    readonly clientId: pulumi.Output<string>;
    readonly principalId: pulumi.Output<string>;
    readonly roleAssignments: authorization.RoleAssignment[];

    constructor(name: string, args: IdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType('Identity'), name, {}, opts);
        const identity = new managedidentity.UserAssignedIdentity(
            childName(name, 'id'),
            { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags },
            { parent: this },
        );
        this.id = identity.id;
        this.clientId = identity.clientId;
        this.principalId = identity.principalId;
        this.roleAssignments = assignRoles(
            name,
            args.roles.map((r) => ({
                ...r,
                principalId: identity.principalId,
                principalType: 'ServicePrincipal' as const,
            })),
            this,
        );
        this.registerOutputs({ clientId: this.clientId, principalId: this.principalId });
    }
}
