import type { Policies } from '@pulumi/policy';
import { flexPolicies } from './flex';
import { productionOptionPolicies } from './productionOptions';
import { readerRolePolicies } from './readerRoles';
import { sitePolicies } from './site';
import { stackPolicies } from './stack';
import { storagePolicies } from './storage';

/**
 * Every policy of the pack. To add one, write it next to its peers (`forType(...)` for a resource
 * property, a `validateStack` policy for a rule across resources) and list it here; the pack's
 * enforcement level (mandatory) applies unless the policy sets its own.
 */
export const policies: Policies = [
    ...storagePolicies,
    ...sitePolicies,
    ...flexPolicies,
    ...stackPolicies,
    ...productionOptionPolicies,
    ...readerRolePolicies,
];
