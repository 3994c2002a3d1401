const { app } = require('@azure/functions');
const df = require('durable-functions');

// Same names and starter route as the real app; the orchestration skips the last city.
df.app.activity('hello', { handler: (city) => `Hello ${city}` });

df.app.orchestration('hello_orchestrator', function* (context) {
    const greetings = [];
    for (const city of ['Seattle', 'Tokyo']) {
        greetings.push(yield context.df.callActivity('hello', city));
    }
    return greetings;
});

app.http('http_start', {
    route: 'orchestrators/{functionName}',
    methods: ['GET', 'POST'],
    authLevel: 'anonymous',
    extraInputs: [df.input.durableClient()],
    handler: async (request, context) => {
        const client = df.getClient(context);
        const instanceId = await client.startNew(request.params.functionName);
        return client.createCheckStatusResponse(request, instanceId);
    },
});
