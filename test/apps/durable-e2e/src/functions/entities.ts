import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { EntityHandler, OrchestrationHandler } from 'durable-functions';

const counter: EntityHandler<number> = (context) => {
    const value = context.df.getState(() => 0);
    if (context.df.operationName === 'add') context.df.setState((value ?? 0) + Number(context.df.getInput() ?? 1));
    else if (context.df.operationName === 'get') context.df.return(value);
    else if (context.df.operationName === 'delete') context.df.destructOnExit();
};
df.app.entity('Counter', counter);

const addTwice: OrchestrationHandler = function* (context) {
    const entity = new df.EntityId('Counter', context.df.getInput<string>());
    yield context.df.callEntity(entity, 'add', 2);
    yield context.df.callEntity(entity, 'add', 3);
    return yield context.df.callEntity(entity, 'get');
};
df.app.orchestration('AddToCounter', addTwice);

/** POST /api/SignalCounter?key=<key>&amount=<n> */
app.http('SignalCounter', {
    route: 'SignalCounter',
    methods: ['POST'],
    extraInputs: [df.input.durableClient()],
    handler: async (request, context) => {
        await df
            .getClient(context)
            .signalEntity(new df.EntityId('Counter', request.params.key), 'add', Number(request.params.amount));
        return { status: 202 };
    },
});
