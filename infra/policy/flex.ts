import type { ResourceValidationPolicy } from '@pulumi/policy';
import {
    DEPRECATED_APP_SETTINGS,
    INSTANCE_MEMORY_SIZES,
    MAXIMUM_INSTANCE_COUNT,
    NODE_RUNTIME_VERSIONS,
    rejectedSiteConfigIn,
} from '../flexRules';
import { forType, type Props, types } from './report';

/** A Flex Consumption site: it is configured through functionAppConfig. */
const isFlexSite = (props: Props): boolean => props.functionAppConfig !== undefined;

/**
 * What ARM refuses from (or Flex ignores on) a Flex Consumption site, from infra/flexRules.ts: a change
 * fails at `pulumi preview` with the rule and its source, before ARM answers with an error code.
 */
export const flexPolicies: ResourceValidationPolicy[] = [
    forType(types.webApp, {
        name: 'flex-site-config-accepted',
        description:
            'A Flex Consumption site sends no siteConfig property that ARM rejects for Flex (BadRequest 51021).',
        check: (props, fail) => {
            if (!isFlexSite(props)) return;
            for (const rejected of rejectedSiteConfigIn(props.siteConfig)) {
                fail(
                    `siteConfig.${rejected.property} is set; ARM rejects it on Flex Consumption (${rejected.why}; source: ${rejected.source})`,
                    `remove siteConfig.${rejected.property} (an SDK default is stripped by the FunctionApp component's onlySentSiteConfig transformation)`,
                );
            }
        },
    }),
    forType(types.webApp, {
        name: 'flex-app-settings-current',
        description:
            'A Flex Consumption site sets no app setting that Flex deprecates (functionAppConfig replaces it).',
        check: (props, fail) => {
            if (!isFlexSite(props)) return;
            const names: string[] = (props.siteConfig?.appSettings ?? []).map((s: { name?: string }) => String(s.name));
            for (const name of names.filter((n) => DEPRECATED_APP_SETTINGS[n])) {
                fail(
                    `app setting ${name} is deprecated on Flex Consumption (source: ${DEPRECATED_APP_SETTINGS[name].source})`,
                    `remove ${name}; set its equivalent in functionAppConfig`,
                );
            }
        },
    }),
    forType(types.webApp, {
        name: 'flex-scale-and-runtime-accepted',
        description:
            'functionAppConfig asks for a memory size, instance limit and Node version Flex Consumption offers.',
        check: (props, fail) => {
            if (!isFlexSite(props)) return;
            const scale = props.functionAppConfig.scaleAndConcurrency ?? {};
            const sizes: readonly number[] = INSTANCE_MEMORY_SIZES.values;
            if (scale.instanceMemoryMB !== undefined && !sizes.includes(scale.instanceMemoryMB)) {
                fail(
                    `instanceMemoryMB is ${scale.instanceMemoryMB}; Flex offers ${sizes.join(', ')} (source: ${INSTANCE_MEMORY_SIZES.source})`,
                    `use one of ${sizes.join(', ')}`,
                );
            }
            const max = scale.maximumInstanceCount;
            if (
                max !== undefined &&
                !(Number.isInteger(max) && max >= MAXIMUM_INSTANCE_COUNT.min && max <= MAXIMUM_INSTANCE_COUNT.max)
            ) {
                fail(
                    `maximumInstanceCount is ${max}; Flex accepts ${MAXIMUM_INSTANCE_COUNT.min}-${MAXIMUM_INSTANCE_COUNT.max} (source: ${MAXIMUM_INSTANCE_COUNT.source})`,
                    `use a whole number from ${MAXIMUM_INSTANCE_COUNT.min} to ${MAXIMUM_INSTANCE_COUNT.max}`,
                );
            }
            const runtime = props.functionAppConfig.runtime ?? {};
            const versions: readonly string[] = NODE_RUNTIME_VERSIONS.values;
            if (runtime.name === 'node' && !versions.includes(String(runtime.version))) {
                fail(
                    `runtime node ${String(runtime.version)} is not one this stack supports on Flex (source: ${NODE_RUNTIME_VERSIONS.source})`,
                    `use node ${versions.join(' or ')}`,
                );
            }
        },
    }),
];
