import * as df from 'durable-functions';
import { OrchestrationContext, OrchestrationHandler } from 'durable-functions';

const listSubscriptions: OrchestrationHandler = function* (context: OrchestrationContext) {
    const response = yield context.df.callHttp({
        method: 'GET',
        url: 'https://management.azure.com/subscriptions?api-version=2022-12-01',
        tokenSource: new df.ManagedIdentityTokenSource('https://management.core.windows.net/.default'),
    });
    return response;
};
df.app.orchestration('listSubscriptions', listSubscriptions);
