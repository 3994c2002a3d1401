// A greeting workflow of the fixture's own (the hello app's shape: a starter, an orchestrator and its
// activity) served next to the waiter, so one host shows both in the dashboard tests, whatever app/ is.
const { app } = require('@azure/functions');
const df = require('durable-functions');

df.app.activity('hello', {
    handler: (city) => {
        return 'Hello ' + city;
    },
});

df.app.orchestration('hello_orchestrator', function* (context) {
    const greetings = [];
    for (const city of ['Seattle', 'Tokyo', 'London']) {
        greetings.push(yield context.df.callActivity('hello', city));
    }
    return greetings;
});

app.http('http_start', {
    route: 'orchestrators/{functionName}',
    methods: ['GET', 'POST'],
    authLevel: 'function',
    extraInputs: [df.input.durableClient()],
    handler: async (request, context) => {
        const client = df.getClient(context);
        const body = await request.text();
        const instanceId = await client.startNew(
            request.params.functionName,
            body ? { input: JSON.parse(body) } : undefined,
        );
        return client.createCheckStatusResponse(request, instanceId);
    },
});
