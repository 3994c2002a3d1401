// The app the tools' support-range test runs on every durable-functions × @azure/functions pair it installs
// (test/tools/supportRange.test.ts): an HTTP starter with a durable client, activities, a failed activity
// the orchestrator catches (the `$OutOfProcData$` error format), a durable timer, and an entity.
const { app } = require('@azure/functions');
const df = require('durable-functions');

df.app.activity('greet', { handler: (name) => `Hello, ${name}!` });
df.app.activity('fail', {
    handler: () => {
        throw new Error('boom');
    },
});
df.app.entity('counter', (context) => {
    const value = context.df.getState(() => 0);
    if (context.df.operationName === 'add') context.df.setState(value + context.df.getInput());
    context.df.return(value + (context.df.operationName === 'add' ? context.df.getInput() : 0));
});

df.app.orchestration('greetAll', function* (context) {
    const out = [];
    for (const name of context.df.getInput()) out.push(yield context.df.callActivity('greet', name));
    try {
        yield context.df.callActivity('fail');
    } catch (err) {
        out.push(`caught: ${err.message.split('\n')[0].trim()}`); // the reason; the serialized cause follows
    }
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 200));
    out.push(
        `count: ${yield context.df.callEntity(new df.EntityId('counter', context.df.instanceId), 'add', out.length)}`,
    );
    return out;
});

app.http('start', {
    route: 'start/{name}',
    methods: ['POST'],
    authLevel: 'anonymous',
    extraInputs: [df.input.durableClient()],
    handler: async (request, context) => {
        const client = df.getClient(context);
        const instanceId = await client.startNew(request.params.name, { input: await request.json() });
        return client.createCheckStatusResponse(request, instanceId);
    },
});
