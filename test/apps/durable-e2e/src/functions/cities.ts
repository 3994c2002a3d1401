import { app, HttpHandler } from '@azure/functions';
import * as df from 'durable-functions';
import { ActivityHandler, OrchestrationHandler } from 'durable-functions';

const greet: ActivityHandler = (city: string): string => `Hello ${city}!`;
df.app.activity('GreetCity', { handler: greet });

const cities: OrchestrationHandler = function* (context) {
    const greetings: string[] = [];
    for (const city of ['Tokyo', 'Seattle', 'London']) greetings.push(yield context.df.callActivity('GreetCity', city));
    return greetings;
};
df.app.orchestration('Cities', cities);

/**
 * POST /api/StartOrchestration?orchestrationName=<name> with the input as the body: the name is read as a route value.
 */
const start: HttpHandler = async (request, context) => {
    const client = df.getClient(context);
    const body = await request.text();
    const instanceId = await client.startNew(request.params.orchestrationName, { input: body || undefined });
    context.log(`Started '${request.params.orchestrationName}' as ${instanceId}`);
    return client.createCheckStatusResponse(request, instanceId);
};
app.http('StartOrchestration', {
    route: 'StartOrchestration',
    extraInputs: [df.input.durableClient()],
    handler: start,
});

/** GET /api/echo/{id}?id=..&q=..: what the function sees of route and query values. */
app.http('EchoParams', {
    route: 'echo/{id}',
    methods: ['GET'],
    handler: async (request) => ({
        jsonBody: {
            params: request.params,
            q: request.query.get('q'),
            url: request.url,
            invocationHeader: request.headers.get('x-ms-invocation-id'),
        },
    }),
});

/** Throws after reading part of its body: the host answers 500 and drops the forwarded request. */
app.http('Boom', {
    route: 'boom',
    methods: ['POST'],
    handler: async (request) => {
        const reader = request.body?.getReader();
        await reader?.read();
        throw new Error(`boom on ${request.params.what}`);
    },
});
