const { app } = require('@azure/functions');
const df = require('durable-functions');

/**
 * A counter whose state also records every operation it processed, in order, so tests can see the
 * order in which the host delivered them. Operations: add(n), reset, get, fail (throws), delete.
 */
df.app.entity('counter', (context) => {
    const state = context.df.getState(() => ({ value: 0, ops: [] }));
    const op = context.df.operationName;
    const input = context.df.getInput();
    switch (op) {
        case 'add':
            state.value += input;
            break;
        case 'reset':
            state.value = 0;
            break;
        case 'get':
            context.df.return(state.value);
            return;
        case 'fail':
            throw new Error(`counter refuses ${JSON.stringify(input)}`);
        case 'delete':
            context.df.destructOnExit();
            return;
        case 'forward':
            // Passes the amount on to another counter: an entity signalling an entity.
            context.df.signalEntity(new df.EntityId('counter', input.key), 'add', input.amount);
            break;
        default:
            throw new Error(`unknown operation "${op}"`);
    }
    state.ops.push(input === undefined ? op : `${op}:${JSON.stringify(input)}`);
    context.df.setState(state);
});

/** Input `{ key, signals: number[], calls: number[] }`: signals then calls `add`, returns `get`. */
df.app.orchestration('counterOrchestration', function* (context) {
    const { key, signals = [], calls = [] } = context.df.getInput();
    const counter = new df.EntityId('counter', key);
    for (const amount of signals) context.df.signalEntity(counter, 'add', amount);
    for (const amount of calls) yield context.df.callEntity(counter, 'add', amount);
    return yield context.df.callEntity(counter, 'get');
});

/** Calls `fail` and reports the error the orchestration caught. */
df.app.orchestration('failingCallOrchestration', function* (context) {
    try {
        yield context.df.callEntity(new df.EntityId('counter', context.df.getInput()), 'fail', 'on purpose');
        return 'no error';
    } catch (error) {
        return `caught: ${error.message}`;
    }
});

const client = df.input.durableClient();

app.http('startCounter', {
    route: 'start/{name}',
    methods: ['POST'],
    authLevel: 'anonymous',
    extraInputs: [client],
    handler: async (request, context) => {
        const durable = df.getClient(context);
        const instanceId = await durable.startNew(request.params.name, { input: await request.json() });
        return durable.createCheckStatusResponse(request, instanceId);
    },
});

/** POST signals `op` with the JSON body; GET reads the state through the client. */
app.http('counterClient', {
    route: 'counter/{key}/{op?}',
    methods: ['GET', 'POST'],
    authLevel: 'anonymous',
    extraInputs: [client],
    handler: async (request, context) => {
        const durable = df.getClient(context);
        const entity = new df.EntityId('counter', request.params.key);
        if (request.method === 'POST') {
            const text = await request.text();
            await durable.signalEntity(entity, request.params.op, text ? JSON.parse(text) : undefined);
            return { status: 202 };
        }
        const read = await durable.readEntityState(entity);
        return {
            jsonBody: {
                entityExists: read.entityExists,
                entityState: read.entityState === undefined ? null : read.entityState,
            },
        };
    },
});

/** Calls an entity no function implements: the orchestration fails, as in Azure. */
df.app.orchestration('ghostCallOrchestration', function* (context) {
    return yield context.df.callEntity(new df.EntityId('ghost', 'k'), 'get');
});
