import type { RpcBindingInfo } from '../worker-process/functionsCore';
import type { AppFunctions } from '../worker-channel/appFunctions';

/** Binding types the local host implements, and what it does with each. */
const SERVED_TRIGGERS = new Set([
    'httpTrigger',
    'orchestrationTrigger',
    'activityTrigger',
    'entityTrigger',
    'timerTrigger',
]);
const SERVED_INPUTS = new Set(['durableClient', 'orchestrationClient']);
const SERVED_OUTPUTS = new Set(['http']);

/** Why a binding type is not served, for the common ones (what to do instead is part of the reason). */
const REASONS: Record<string, string> = {
    serviceBusTrigger: 'Service Bus is a cloud service; the local host has no broker',
    serviceBus: 'Service Bus is a cloud service; the local host has no broker',
    eventHubTrigger: 'Event Hubs is a cloud service; the local host has no event hub',
    eventHub: 'Event Hubs is a cloud service; the local host has no event hub',
    eventGridTrigger: 'Event Grid delivers to a public endpoint, which the local host is not',
    eventGrid: 'Event Grid is a cloud service',
    cosmosDBTrigger: 'Cosmos DB change feed needs a Cosmos DB account',
    cosmosDB: 'Cosmos DB needs a Cosmos DB account',
    blobTrigger: 'Storage blobs need Azure Storage or Azurite',
    blob: 'Storage blobs need Azure Storage or Azurite',
    queueTrigger: 'Storage queues need Azure Storage or Azurite',
    queue: 'Storage queues need Azure Storage or Azurite',
    table: 'Storage tables need Azure Storage or Azurite',
    twilioSms: 'Twilio sends real SMS through the Twilio extension',
    sendGrid: 'SendGrid sends real e-mail through the SendGrid extension',
    signalR: 'SignalR needs an Azure SignalR Service',
    signalRTrigger: 'SignalR needs an Azure SignalR Service',
};

const ACTIVITY_NOTE =
    '; the activity still runs and returns its result, and what it sets on that output is logged instead';

export interface NotServed {
    functionName: string;
    reason: string;
}

function direction(binding: RpcBindingInfo): string {
    return binding.direction === 'out' ? 'output' : binding.direction === 'inout' ? 'in/out' : 'input';
}

/**
 * Which registered functions the local host can run as in Azure. A function is served only if its
 * trigger and every other binding are implemented here; otherwise it is listed with the reason
 * instead of failing at invocation (or at start-up) time.
 */
export function bindingSupport(functions: AppFunctions): { served: string[]; notServed: NotServed[] } {
    const served: string[] = [];
    const notServed: NotServed[] = [];
    for (const registration of functions.registrations.values()) {
        const problems: string[] = [];
        for (const [name, binding] of Object.entries(registration.metadata.bindings)) {
            const type = String(binding.type ?? '');
            const isTrigger = name === registration.triggerName;
            const ok = isTrigger
                ? SERVED_TRIGGERS.has(type)
                : binding.direction === 'out'
                  ? SERVED_OUTPUTS.has(type)
                  : SERVED_INPUTS.has(type);
            if (!ok)
                problems.push(
                    `${isTrigger ? 'trigger' : direction(binding)} binding '${type}' is not available locally (${REASONS[type] ?? 'the local host implements HTTP, timer and Durable bindings only'})`,
                );
        }
        if (problems.length === 0) served.push(registration.metadata.name);
        else
            notServed.push({
                functionName: registration.metadata.name,
                reason: problems.join('; ') + (registration.trigger.type === 'activityTrigger' ? ACTIVITY_NOTE : ''),
            });
    }
    return { served, notServed };
}
