/**
 * What Azure accepts from a Flex Consumption app, as data: one list with the source of each rule, used by
 * the config reader (infra/config.ts), the policy pack (infra/policy/flex.ts) and the tests on what the
 * program sends (test/infra). Change a rule here, with its source, and all three follow.
 */

export interface Source {
    /** A Microsoft doc, sample or client source, or the issue that shows Azure's answer. */
    source: string;
}

const FLEX_DEPRECATIONS_DOC =
    'https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations';
const FLEX_PLAN_DOC = 'https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan';

/**
 * `siteConfig` properties ARM refuses on a Flex site: BadRequest 51021 "The following site configuration
 * property (Site.SiteConfig.<Name>) for Flex Consumption sites is invalid" (pulumi/pulumi-azure-native#4168).
 * The runtime-stack ones are what the Functions stacks API lists as `siteConfigPropertiesDictionary`, which
 * Flex replaces with `functionAppConfig` (Azure/azure-functions-ux, FunctionAppStackModel.ts).
 */
export const REJECTED_SITE_CONFIG: Record<string, Source & { why: string; accepted?: unknown }> = {
    netFrameworkVersion: {
        why: 'the runtime is functionAppConfig.runtime on Flex',
        source: 'ARM 51021, pulumi/pulumi-azure-native#4168 (the SDK adds "v4.6" to any siteConfig)',
    },
    linuxFxVersion: { why: 'the runtime is functionAppConfig.runtime on Flex', source: FLEX_DEPRECATIONS_DOC },
    javaVersion: { why: 'the runtime is functionAppConfig.runtime on Flex', source: FLEX_DEPRECATIONS_DOC },
    powerShellVersion: { why: 'the runtime is functionAppConfig.runtime on Flex', source: FLEX_DEPRECATIONS_DOC },
    use32BitWorkerProcess: { why: 'Flex runs 64-bit Linux workers only', source: FLEX_DEPRECATIONS_DOC },
    functionAppScaleLimit: {
        why: 'the scale limit is functionAppConfig.scaleAndConcurrency.maximumInstanceCount',
        source: FLEX_DEPRECATIONS_DOC,
    },
    minimumElasticInstanceCount: {
        why: 'Flex has always-ready instances in functionAppConfig instead',
        source: FLEX_DEPRECATIONS_DOC,
    },
    preWarmedInstanceCount: {
        why: 'Flex has always-ready instances in functionAppConfig instead',
        source: FLEX_DEPRECATIONS_DOC,
    },
    alwaysOn: {
        why: 'Flex scales to zero; there is no Always On',
        // Microsoft's own Flex templates send `alwaysOn: false` (Azure-Samples/functions-quickstart-javascript-azd).
        accepted: false,
        source: FLEX_DEPRECATIONS_DOC,
    },
};

/**
 * The only `siteConfig` keys this program sends. Microsoft's Flex templates send app settings (and at most
 * `alwaysOn: false`) in siteConfig (Azure-Samples/azure-functions-flex-consumption-samples,
 * IaC/bicep/core/host/function.bicep); the TLS minimums are the hardening the product promises. Everything
 * else the SDK would add by default (netFrameworkVersion, localMySqlEnabled, http20Enabled) is stripped.
 */
export const SENT_SITE_CONFIG_KEYS = ['appSettings', 'minTlsVersion', 'scmMinTlsVersion'] as const;

/** App settings Flex ignores or rejects: its functionAppConfig replaces them. */
export const DEPRECATED_APP_SETTINGS: Record<string, Source> = Object.fromEntries(
    [
        'FUNCTIONS_WORKER_RUNTIME',
        'FUNCTIONS_WORKER_RUNTIME_VERSION',
        'FUNCTIONS_EXTENSION_VERSION',
        'FUNCTIONS_MAX_HTTP_CONCURRENCY',
        'FUNCTIONS_WORKER_PROCESS_COUNT',
        'WEBSITE_NODE_DEFAULT_VERSION',
        'WEBSITE_RUN_FROM_PACKAGE',
        'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
        'WEBSITE_CONTENTSHARE',
        'WEBSITE_CONTENTOVERVNET',
        'WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT',
        'SCM_DO_BUILD_DURING_DEPLOYMENT',
        'ENABLE_ORYX_BUILD',
    ].map((name) => [name, { source: FLEX_DEPRECATIONS_DOC }]),
);

/** functionAppConfig.scaleAndConcurrency.instanceMemoryMB: the sizes Flex offers. */
export const INSTANCE_MEMORY_SIZES = { values: [512, 2048, 4096] as const, source: `${FLEX_PLAN_DOC}#instance-memory` };

/**
 * functionAppConfig.scaleAndConcurrency.maximumInstanceCount: the Functions stacks API's Flex SKU gives
 * lowestMaximumInstanceCount 40 and highestMaximumInstanceCount 1000, which the VS Code Azure Functions
 * extension enforces (microsoft/vscode-azurefunctions, MaximumInstanceCountPromptStep.ts); Microsoft's
 * Flex quickstart templates declare @minValue(40) @maxValue(1000).
 */
export const MAXIMUM_INSTANCE_COUNT = {
    min: 40,
    max: 1000,
    source: 'microsoft/vscode-azurefunctions MaximumInstanceCountPromptStep.ts (stacks API lowestMaximumInstanceCount/highestMaximumInstanceCount)',
} as const;

/** The rejected siteConfig properties a site's inputs carry, each with why and its source. */
export function rejectedSiteConfigIn(
    siteConfig: Record<string, unknown> | undefined,
): { property: string; why: string; source: string }[] {
    return Object.entries(REJECTED_SITE_CONFIG)
        .filter(([property, rule]) => siteConfig?.[property] !== undefined && siteConfig[property] !== rule.accepted)
        .map(([property, rule]) => ({ property, why: rule.why, source: rule.source }));
}

/** functionAppConfig.runtime for Node: GA on Flex and supported by Node.js (see NODE_VERSIONS_AS_OF in config.ts). */
export const NODE_RUNTIME_VERSIONS = {
    values: ['22'] as const,
    source: `${FLEX_PLAN_DOC}#supported-language-stack-versions`,
};
