const df = require('durable-functions');

/** Publishes progress as custom status, then waits for an approval event. */
df.app.orchestration('customStatusOrchestration', function* (context) {
    context.df.setCustomStatus({ stage: 'greeting' });
    const greeting = yield context.df.callActivity('sayHello', 'Lisbon');
    context.df.setCustomStatus({ stage: 'waiting for approval', greeting });
    const approval = yield context.df.waitForExternalEvent('Approval');
    context.df.setCustomStatus({ stage: 'done' });
    return { greeting, approval };
});
