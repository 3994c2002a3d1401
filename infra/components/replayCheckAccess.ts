import * as pulumi from '@pulumi/pulumi';
import { assignRoles, type PrincipalType, type RoleName } from '../roles';
import { componentType } from './placement';

/** The replay check's role assignments, in their own component (`pulumi destroy` removes them). */
export class ReplayCheckAccess extends pulumi.ComponentResource {
    constructor(
        name: string,
        args: {
            principal: { id: string; type: PrincipalType };
            roles: { role: RoleName; scope: pulumi.Input<string> }[];
        },
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(componentType('ReplayCheckAccess'), name, {}, opts);
        assignRoles(
            name,
            args.roles.map((r) => ({ ...r, principalId: args.principal.id, principalType: args.principal.type })),
            this,
        );
        this.registerOutputs({});
    }
}
