const df = require('durable-functions');

const counterEntityName = 'counterEntity';

df.app.entity(counterEntityName, async (context) => {
    await Promise.resolve();
    let currentValue = context.df.getState(() => 0);
    switch (context.df.operationName) {
        case 'add':
            currentValue += context.df.getInput();
            break;
        case 'reset':
            currentValue = 0;
            break;
        case 'get':
            context.df.return(currentValue);
            break;
    }
    context.df.setState(currentValue);
});

/** Reads the counter and adds one while it is below 10; returns the value it read. */
df.app.orchestration('counterOrchestration', function* (context) {
    const entityId = new df.EntityId(counterEntityName, 'myCounter');
    const currentValue = yield context.df.callEntity(entityId, 'get');
    if (currentValue < 10) {
        yield context.df.callEntity(entityId, 'add', 1);
    }
    return currentValue;
});
