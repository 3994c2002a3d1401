import type { AppFunctions } from '../worker-channel/appFunctions';

/**
 * The name of a function's trigger binding, or the Durable extension's refusal when the function has no trigger of that
 * type.
 */
export function triggerName(functions: AppFunctions, functionName: string, triggerType: string): string {
    const registration = functions.registrations.get(functionName);
    if (!registration || registration.trigger.type !== triggerType) {
        const known = [...functions.registrations.values()]
            .filter((r) => r.trigger.type === triggerType)
            .map((r) => r.metadata.name);
        throw new Error(
            `The function '${functionName}' doesn't exist, is disabled, or is not a${/^[aeiou]/i.test(triggerType) ? 'n' : ''} ${triggerType} function. Known: ${known.join(', ') || 'none'}.`,
        );
    }
    return registration.triggerName;
}
