const { app } = require('@azure/functions');
const df = require('durable-functions');

function seconds(request, name) {
    const value = request.query.get(name);
    return value ? Number(value) * 1000 : undefined;
}

app.http('httpSyncStart', {
    methods: ['POST'],
    route: 'orchestrators/wait/{orchestratorName}',
    authLevel: 'anonymous',
    extraInputs: [df.input.durableClient()],
    handler: async (request, context) => {
        const client = df.getClient(context);
        const text = await request.text();
        const instanceId = await client.startNew(request.params.orchestratorName, {
            input: text ? JSON.parse(text) : undefined,
        });
        return client.waitForCompletionOrCreateCheckStatusResponse(request, instanceId, {
            timeoutInMilliseconds: seconds(request, 'timeout') || 30000,
            retryIntervalInMilliseconds: seconds(request, 'retryInterval') || 1000,
        });
    },
});
