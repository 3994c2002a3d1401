/**
 * Regions this stack deploys to. One list, kept here only.
 *
 * As of 2026-04-25, source: the `@allowed` location list of Microsoft's Flex Consumption + Durable Task
 * Scheduler template for TypeScript, Azure-Samples/durable-functions-quickstart-typescript-azd,
 * infra/main.bicep (commit 5984d8d). Every region in it offers both Flex Consumption and the Durable
 * Task Scheduler, so the same safe subset serves both backends. More regions offer Flex; to widen the
 * lists, check `az functionapp list-flexconsumption-locations -o table` and
 * `az provider show -n Microsoft.DurableTask --query "resourceTypes[?resourceType=='schedulers'].locations | [0]"`.
 */
export const REGIONS_AS_OF = '2026-04-25';

export const FLEX_CONSUMPTION_REGIONS: readonly string[] = [
    'australiaeast',
    'centralus',
    'eastasia',
    'eastus2',
    'northcentralus',
    'northeurope',
    'southeastasia',
    'swedencentral',
    'uksouth',
    'westus2',
];

export const DURABLE_TASK_SCHEDULER_REGIONS: readonly string[] = FLEX_CONSUMPTION_REGIONS;
