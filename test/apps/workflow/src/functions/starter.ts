import { app } from '@azure/functions';
import * as df from 'durable-functions';

app.http('startWorkflow', {
    route: 'workflows/{functionName}',
    methods: ['POST'],
    // Read while the app loads, as the hello app's starter does: the manifest must show the level the stack sets.
    authLevel: process.env.WORKFLOW_AUTH_LEVEL === 'anonymous' ? 'anonymous' : 'function',
    extraInputs: [df.input.durableClient()],
    handler: async (request, context) => {
        const client = df.getClient(context);
        const id = await client.startNew(request.params.functionName, { input: await request.json() });
        return client.createCheckStatusResponse(request, id);
    },
});

app.http('health', { methods: ['HEAD', 'GET'], authLevel: 'anonymous', handler: async () => ({ body: 'ok' }) });

app.timer('nightlyReport', { schedule: '0 0 3 * * *', handler: () => undefined });
