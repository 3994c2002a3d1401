import * as crypto from 'node:crypto';

/**
 * Logical names of a component's children: `<component>-<role>`, so two components of one type in one program
 * never share a URN (a child's URN carries its parent's type, not its parent's name).
 */
export const childName = (component: string, role: string): string => `${component}-${role}`;

/**
 * azure-native autonaming appends 8 random hex characters to the logical name (pulumi/pulumi-azure-native
 * provider/pkg/provider/autonaming_test.go).
 */
const AUTONAME_SUFFIX = 8;
const STORAGE_ACCOUNT_MAX = 24;

/**
 * A storage account's logical name, which azure-native turns into the account name: 3-24 lowercase letters and
 * digits, so no dash. The component's name without its other characters; when that loses anything (a dash, an
 * upper-case letter, the length), six hex characters of the full name keep two components' accounts apart.
 */
export function storageAccountLogicalName(component: string): string {
    const compact = component.toLowerCase().replace(/[^a-z0-9]/g, '');
    if (compact === '') {
        throw new Error(
            `Component name '${component}' has no letter or digit to name its storage account: use a name like 'orders'.`,
        );
    }
    if (compact === component && compact.length <= STORAGE_ACCOUNT_MAX - AUTONAME_SUFFIX) return compact;
    const hash = crypto.createHash('sha256').update(component).digest('hex').slice(0, 6);
    return `${compact.slice(0, STORAGE_ACCOUNT_MAX - AUTONAME_SUFFIX - hash.length)}${hash}`;
}
