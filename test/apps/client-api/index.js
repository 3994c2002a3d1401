const { app } = require('@azure/functions');
const df = require('durable-functions');

/** Waits for "Approval" and returns its data. */
df.app.orchestration('waitForApproval', function* (context) {
    context.df.setCustomStatus('waiting');
    const approval = yield context.df.waitForExternalEvent('Approval');
    context.df.setCustomStatus('approved');
    return { input: context.df.getInput(), approval };
});

/** Fails while the module flag is up; rewinding after lowering it lets the orchestration finish. */
let breakActivity = true;
df.app.activity('fragile', {
    handler: (input) => {
        if (breakActivity) throw new Error(`fragile is broken for ${input}`);
        return `fixed ${input}`;
    },
});
df.app.orchestration('fragileOrchestration', function* (context) {
    return yield context.df.callActivity('fragile', context.df.getInput());
});

df.app.activity('echo', { handler: (input) => input });
df.app.orchestration('echoOrchestration', function* (context) {
    return yield context.df.callActivity('echo', context.df.getInput());
});

const client = df.input.durableClient();

function date(request, name) {
    const value = request.query.get(name);
    return value ? new Date(value) : undefined;
}

/** Runs one client call; a rejected call answers 500 with the library's error message. */
function route(name, methods, handler) {
    app.http(name, {
        route: `client/${name}/{id?}/{extra?}`,
        methods,
        authLevel: 'anonymous',
        extraInputs: [client],
        handler: async (request, context) => {
            const durable = df.getClient(context);
            try {
                return await handler(durable, request, request.params.id, request.params.extra);
            } catch (error) {
                return { status: 500, jsonBody: { error: error.message } };
            }
        },
    });
}

route('start', ['POST'], async (durable, request, name, instanceId) => {
    const text = await request.text();
    const id = await durable.startNew(name, {
        instanceId,
        input: text ? JSON.parse(text) : undefined,
        version: request.query.get('version') || undefined,
    });
    return { jsonBody: { id } };
});

route('startAndWait', ['POST'], async (durable, request, name) => {
    const text = await request.text();
    const id = await durable.startNew(name, { input: text ? JSON.parse(text) : undefined });
    return durable.waitForCompletionOrCreateCheckStatusResponse(request, id, {
        timeoutInMilliseconds: Number(request.query.get('timeoutMs') || 5000),
        retryIntervalInMilliseconds: Number(request.query.get('intervalMs') || 100),
    });
});

route('status', ['GET'], async (durable, request, id) => {
    const flag = (name) => request.query.get(name) === 'true';
    const status = await durable.getStatus(id, {
        showHistory: flag('showHistory'),
        showHistoryOutput: flag('showHistoryOutput'),
        showInput: request.query.get('showInput') !== 'false',
    });
    return { jsonBody: status };
});

route('query', ['GET'], async (durable, request) => {
    const statuses = request.query.get('runtimeStatus');
    const filter = {
        createdTimeFrom: date(request, 'from'),
        createdTimeTo: date(request, 'to'),
        runtimeStatus: statuses ? statuses.split(',') : undefined,
    };
    const all = !filter.createdTimeFrom && !filter.createdTimeTo && !filter.runtimeStatus;
    return { jsonBody: all ? await durable.getStatusAll() : await durable.getStatusBy(filter) };
});

route('purge', ['POST'], async (durable, request, id) => {
    if (id) return { jsonBody: await durable.purgeInstanceHistory(id) };
    const statuses = request.query.get('runtimeStatus');
    return {
        jsonBody: await durable.purgeInstanceHistoryBy({
            createdTimeFrom: date(request, 'from'),
            createdTimeTo: date(request, 'to'),
            runtimeStatus: statuses ? statuses.split(',') : undefined,
        }),
    };
});

route('raise', ['POST'], async (durable, request, id, eventName) => {
    await durable.raiseEvent(id, eventName, await request.json(), {
        taskHubName: request.query.get('taskHub') || undefined,
    });
    return { status: 202 };
});

for (const operation of ['terminate', 'suspend', 'resume', 'rewind']) {
    route(operation, ['POST'], async (durable, request, id) => {
        await durable[operation](id, request.query.get('reason') || `${operation} from a test`);
        return { status: 202 };
    });
}

route('repair', ['POST'], async () => {
    breakActivity = false;
    return { status: 204 };
});
