const { app } = require('@azure/functions');
const df = require('durable-functions');

// An app whose orchestration stops one step short of what its smoke check (smoke.json) expects.
df.app.activity('countStep', { handler: (step) => ({ step }) });

df.app.orchestration('countdown', function* (context) {
    const from = context.df.getInput().from;
    const steps = [];
    for (let n = from; n > 1; n--) {
        steps.push(yield context.df.callActivity('countStep', n));
    }
    return steps;
});

app.http('starter', {
    route: 'start/{functionName}',
    methods: ['POST'],
    authLevel: 'anonymous',
    extraInputs: [df.input.durableClient()],
    handler: async (request, context) => {
        const client = df.getClient(context);
        const instanceId = await client.startNew(request.params.functionName, { input: await request.json() });
        return client.createCheckStatusResponse(request, instanceId);
    },
});
