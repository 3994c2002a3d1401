const { app } = require('@azure/functions');
const df = require('durable-functions');

// Starts any orchestrator through the durable client (the rpcBaseUrl path of the library).
app.http('start', {
    route: 'start/{name}/{instanceId?}',
    methods: ['POST'],
    authLevel: 'anonymous',
    extraInputs: [df.input.durableClient()],
    handler: async (request, context) => {
        const client = df.getClient(context);
        const text = await request.text();
        const id = await client.startNew(request.params.name, {
            input: text ? JSON.parse(text) : undefined,
            instanceId: request.params.instanceId,
        });
        return client.createCheckStatusResponse(request, id);
    },
});

app.http('echo', {
    route: 'items/{id:int}',
    methods: ['GET', 'PUT'],
    authLevel: 'function',
    handler: async (request) => ({
        jsonBody: { id: request.params.id, method: request.method, q: request.query.get('q') },
    }),
});

// Sets its own Content-Length, as a function relaying another response's headers does.
app.http('withLength', {
    route: 'with-length',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: async () => ({ body: 'hello', headers: { 'Content-Length': '5', 'x-kept': 'yes' } }),
});
