const df = require('durable-functions');

/** v1: draft the document, wait for the approval, publish it. */
df.app.orchestration('approval', function* (context) {
    const draft = yield context.df.callActivity('draft', context.df.getInput());
    const approval = yield context.df.waitForExternalEvent('Approval');
    return yield context.df.callActivity('publish', { draft, approval });
});

df.app.activity('draft', { handler: (title) => `draft of ${title}` });
df.app.activity('publish', { handler: ({ draft, approval }) => `${draft}, approved by ${approval}` });
