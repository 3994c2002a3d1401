const { app } = require('@azure/functions');
const df = require('durable-functions');

df.app.activity('echo', { handler: (input) => input });
df.app.orchestration('echoOrchestration', function* (context) {
    return yield context.df.callActivity('echo', context.df.getInput());
});

/** Waits for the event "go" and returns its data. */
df.app.orchestration('waitForGo', function* (context) {
    return yield context.df.waitForExternalEvent('go');
});

df.app.entity('box', (context) => {
    if (context.df.operationName === 'set') context.df.setState(context.df.getInput());
    else context.df.return(context.df.getState());
});

// Poison: each ends its worker process every time it runs.
df.app.activity('alwaysExits', { handler: () => process.exit(7) });
df.app.orchestration('activityAlwaysExits', function* (context) {
    return yield context.df.callActivity('alwaysExits');
});
df.app.orchestration('orchestratorAlwaysExits', function* () {
    process.exit(9);
    yield; // never reached
});
// A stack overflow where no one catches it: the RangeError ends the worker (uncaughtException → exit 1).
df.app.activity('overflowsLater', {
    handler: () => {
        const deeper = (n) => deeper(n + 1) + 1;
        setTimeout(() => deeper(0), 0);
        return new Promise(() => undefined);
    },
});
df.app.orchestration('activityOverflows', function* (context) {
    return yield context.df.callActivity('overflowsLater');
});

const client = df.input.durableClient();

/**
 * POST /api/client/{op} with { id, name, input, event, entity, key }: runs one client call as the app
 * would and answers 200 { result } or 400 { error } with the library's message.
 */
app.http('client', {
    route: 'client/{op}',
    methods: ['POST'],
    extraInputs: [client],
    handler: async (request, context) => {
        const c = df.getClient(context);
        const body = await request.json();
        try {
            let result;
            if (request.params.op === 'startNew')
                result = await c.startNew(body.name, { instanceId: body.id, input: body.input });
            else if (request.params.op === 'raiseEvent') result = await c.raiseEvent(body.id, body.event, body.input);
            else if (request.params.op === 'signalEntity')
                result = await c.signalEntity(new df.EntityId(body.entity, body.key), 'set', body.input);
            else if (request.params.op === 'waitForCompletion') {
                const response = await c.waitForCompletionOrCreateCheckStatusResponse(request, body.id, {
                    timeoutInMilliseconds: body.timeoutMs,
                    retryIntervalInMilliseconds: 100,
                });
                result = { status: response.status, body: await response.text() };
            } else throw new Error(`unknown op ${request.params.op}`);
            return { jsonBody: { result: result ?? null } };
        } catch (err) {
            return { status: 400, jsonBody: { error: err.message } };
        }
    },
});

/** Builds a value nested `depth` levels in app code (no HTTP API in between) and hands it to a sub-orchestration. */
df.app.orchestration('deepChild', function* (context) {
    let value = 0;
    for (let i = 0; i < context.df.getInput(); i++) value = [value];
    const echoed = yield context.df.callSubOrchestrator('echoOrchestration', value);
    let depth = 0;
    for (let v = echoed; Array.isArray(v); v = v[0]) depth++;
    return depth;
});
