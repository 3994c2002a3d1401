const df = require('durable-functions');

df.app.orchestration('greetCity', function* (context) {
    return {
        instanceId: context.df.instanceId,
        parent: context.df.parentInstanceId,
        greeting: yield context.df.callActivity('sayHello', context.df.getInput()),
    };
});

/** Calls one sub-orchestration per city, each with an instance id the caller chooses. */
df.app.orchestration('greetCities', function* (context) {
    const cities = context.df.getInput() || ['Oslo', 'Lima'];
    const tasks = cities.map((city, i) =>
        context.df.callSubOrchestrator('greetCity', city, `${context.df.instanceId}:${i}`),
    );
    return yield context.df.Task.all(tasks);
});
