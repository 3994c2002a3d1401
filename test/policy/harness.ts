import type {
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from '@pulumi/policy';
import { policies } from '../../infra/policy/policies';
import type { Props } from '../../infra/policy/report';

export interface Violation {
    policy: string;
    message: string;
}

export interface StubResource {
    type: string;
    name: string;
    props: Props;
    /** Names of resources this one depends on (the engine passes these as URNs). */
    dependsOn?: string[];
}

const urnOf = (r: Pick<StubResource, 'type' | 'name'>) => `urn:pulumi:test::durable-hello::${r.type}::${r.name}`;

const noOpts = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

function notApplicable(reason?: string): never {
    throw new Error(`not applicable: ${reason}`);
}

function resourceArgs(r: StubResource): ResourceValidationArgs {
    return {
        type: r.type,
        name: r.name,
        urn: urnOf(r),
        props: r.props,
        opts: noOpts,
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T>() => ({}) as T,
        notApplicable,
    };
}

function stackResources(resources: StubResource[]): PolicyResource[] {
    const built = resources.map((r): PolicyResource => ({
        type: r.type,
        name: r.name,
        urn: urnOf(r),
        props: r.props,
        opts: noOpts,
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    }));
    built.forEach((p, i) => {
        p.dependencies = (resources[i].dependsOn ?? []).map((name) => {
            const found = built.find((b) => b.name === name);
            if (!found) throw new Error(`${resources[i].name} depends on unknown resource ${name}`);
            return found;
        });
    });
    return built;
}

const isStackPolicy = (p: (typeof policies)[number]): p is StackValidationPolicy => 'validateStack' in p;

/** Runs every policy of the pack the way the engine does (resource policies per resource, then stack policies). */
export async function evaluate(resources: StubResource[]): Promise<Violation[]> {
    const violations: Violation[] = [];
    for (const policy of policies) {
        const report = (message: string) => violations.push({ policy: policy.name, message });
        if (isStackPolicy(policy)) {
            await policy.validateStack(
                {
                    resources: stackResources(resources),
                    stackTags: new Map(),
                    getConfig: <T>() => ({}) as T,
                    notApplicable,
                },
                report,
            );
            continue;
        }
        const checks = [(policy as ResourceValidationPolicy).validateResource ?? []].flat();
        for (const r of resources) for (const check of checks) await check(resourceArgs(r), report);
    }
    return violations;
}
