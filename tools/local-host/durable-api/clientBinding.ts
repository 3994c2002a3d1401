/**
 * The durable client binding data the Durable extension hands to a function with a `durableClient`
 * input (OrchestrationClientInputData in durable-functions). URLs follow the extension's
 * HttpApiHandler: `{base}/runtime/webhooks/durabletask/...` with the task hub and connection in the query.
 */
export const INSTANCE_ID_PLACEHOLDER = 'INSTANCEID';
export const WEBHOOK_PATH = '/runtime/webhooks/durabletask';

export interface DurableClientBindingData {
    taskHubName: string;
    creationUrls: Record<string, string>;
    managementUrls: Record<string, string>;
    baseUrl: string;
    requiredQueryStringParameters: string;
    rpcBaseUrl?: string;
    httpBaseUrl: string;
}

export interface BindingUrlOptions {
    connection?: string;
    /**
     * Where the client's own calls go (default: the API under `origin`). The extension serves them on a
     * loopback address (`rpcBaseUrl` = http://127.0.0.1:17071/durabletask/, DurableTaskOptions.LocalRpcEndpointEnabled
     * in azure-functions-durable-extension); the URLs handed to callers keep the public origin.
     */
    rpcBaseUrl?: string;
    /** The extension's system key, added as `code=` to the URLs handed to callers (as in Azure). */
    systemKey?: string;
}

export function durableClientBindingData(
    origin: string,
    taskHubName: string,
    options: BindingUrlOptions = {},
): DurableClientBindingData {
    const baseUrl = `${origin}${WEBHOOK_PATH}`;
    const key = options.systemKey === undefined ? '' : `&code=${encodeURIComponent(options.systemKey)}`;
    const query = `taskHub=${encodeURIComponent(taskHubName)}&connection=${encodeURIComponent(options.connection ?? 'Storage')}${key}`;
    const instance = `${baseUrl}/instances/${INSTANCE_ID_PLACEHOLDER}`;
    return {
        taskHubName,
        creationUrls: {
            createNewInstancePostUri: `${baseUrl}/orchestrators/{functionName}[/{instanceId}]?${query}`,
            createAndWaitOnNewInstancePostUri: `${baseUrl}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${query}`,
        },
        managementUrls: {
            id: INSTANCE_ID_PLACEHOLDER,
            statusQueryGetUri: `${instance}?${query}`,
            sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
            terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
            rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
            purgeHistoryDeleteUri: `${instance}?${query}`,
            restartPostUri: `${instance}/restart?${query}`,
            suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
            resumePostUri: `${instance}/resume?reason={text}&${query}`,
        },
        baseUrl,
        requiredQueryStringParameters: query,
        rpcBaseUrl: options.rpcBaseUrl ?? `${baseUrl}/`,
        httpBaseUrl: baseUrl,
    };
}
