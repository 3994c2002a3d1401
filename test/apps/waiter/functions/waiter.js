const df = require('durable-functions');

/** Says it is waiting (custom status), then waits for the `Approval` event and returns its data. */
df.app.orchestration('waitForApproval', function* (context) {
    context.df.setCustomStatus({ stage: 'waiting for approval' });
    const approval = yield context.df.waitForExternalEvent('Approval');
    context.df.setCustomStatus({ stage: 'approved' });
    return { approval };
});
