import * as pulumi from '@pulumi/pulumi';
import { defaultAzureTokens } from '../deployment/tokens';
import { disconnectVnetIntegration, waitUntilSubnetReleased, type ArmAccess } from './releaseSubnet';

/**
 * A resource that does nothing on `pulumi up` and one teardown step when Pulumi deletes it; where it sits
 * in the dependency graph decides when the step runs (see {@link TeardownStep}). Pulumi serializes the
 * provider into the state and runs it in a separate process: the steps are serialized with their module,
 * packages are `require`d inside the functions (as in infra/deployment/provider.ts).
 */
export type TeardownStepName = 'disconnectVnetIntegration' | 'waitUntilSubnetReleased';

export interface TeardownInputs {
    step: TeardownStepName;
    /** The ARM id the step acts on: the site (disconnect) or the subnet (wait). */
    resourceId: string;
}

export const TEARDOWN_STEPS: TeardownStepName[] = ['disconnectVnetIntegration', 'waitUntilSubnetReleased'];

/** Runs a step with the deployer's Entra login (DefaultAzureCredential, ARM audience) unless `access` is given. */
export async function runTeardownStep(inputs: TeardownInputs, access?: ArmAccess): Promise<void> {
    const real: ArmAccess = {
        getToken: defaultAzureTokens(),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        now: () => Date.now(),
        // A dynamic provider has no engine connection (pulumi/pulumi#6065): pulumi.log prints to the console.
        log: (message) => void (require('@pulumi/pulumi') as typeof import('@pulumi/pulumi')).log.info(message),
    };
    const used = access ?? real;
    if (inputs.step === 'disconnectVnetIntegration') await disconnectVnetIntegration(inputs.resourceId, used);
    else await waitUntilSubnetReleased(inputs.resourceId, used);
}

export const teardownProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: Partial<TeardownInputs>, news: TeardownInputs) {
        const failures: pulumi.dynamic.CheckFailure[] = [];
        if (!TEARDOWN_STEPS.includes(news.step))
            failures.push({ property: 'step', reason: `unknown step '${String(news.step)}'` });
        if (typeof news.resourceId !== 'string' || !news.resourceId.startsWith('/subscriptions/'))
            failures.push({ property: 'resourceId', reason: 'resourceId must be an ARM id' });
        return { inputs: news, failures };
    },
    async create(inputs: TeardownInputs) {
        return { id: `${inputs.step}:${inputs.resourceId}`, outs: inputs };
    },
    async diff(_id: string, olds: TeardownInputs, news: TeardownInputs) {
        const replaces = (['step', 'resourceId'] as const).filter((key) => olds[key] !== news[key]);
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
    },
    async delete(_id: string, props: TeardownInputs) {
        await runTeardownStep(props);
    },
};

/**
 * One teardown step. `disconnectVnetIntegration` takes the site's id, so it depends on the site and is
 * deleted (runs) before it; `waitUntilSubnetReleased` takes the subnet's id and is passed in the site's
 * dependsOn, so it runs after the site is deleted and before the network is.
 */
export class TeardownStep extends pulumi.dynamic.Resource {
    constructor(
        name: string,
        args: { step: TeardownStepName; resourceId: pulumi.Input<string> },
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(teardownProvider, name, args, opts, 'durable-hello', 'TeardownStep');
    }
}
