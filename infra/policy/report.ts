import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';

// Policy inputs are untyped JSON from the engine; `any` keeps the checks readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Props = Record<string, any>;

type Named = Pick<ResourceValidationArgs | PolicyResource, 'type' | 'name' | 'urn'>;

/** One message format for every policy: which resource, what is wrong, what to change. */
export function describeViolation(resource: Named, problem: string, fix: string): string {
    return `${resource.type} "${resource.name}" (${resource.urn}): ${problem}. Fix: ${fix}.`;
}

export function reportOn(resource: Named, report: ReportViolation) {
    return (problem: string, fix: string) => report(describeViolation(resource, problem, fix), resource.urn);
}

export const types = {
    storageAccount: 'azure-native:storage:StorageAccount',
    blobContainer: 'azure-native:storage:BlobContainer',
    webApp: 'azure-native:web:WebApp',
    plan: 'azure-native:web:AppServicePlan',
    ftpAllowed: 'azure-native:web:WebAppFtpAllowed',
    scmAllowed: 'azure-native:web:WebAppScmAllowed',
    appSettings: 'azure-native:web:WebAppApplicationSettings',
    roleAssignment: 'azure-native:authorization:RoleAssignment',
} as const;

/** A resource policy that applies to one resource type only. */
export function forType(
    type: string,
    policy: Omit<ResourceValidationPolicy, 'validateResource'> & {
        check: (props: Props, fail: ReturnType<typeof reportOn>) => void;
    },
): ResourceValidationPolicy {
    const { check, ...rest } = policy;
    return {
        ...rest,
        validateResource: (args, report) => {
            if (args.type === type) check(args.props, reportOn(args, report));
        },
    };
}
