const df = require('durable-functions');

/** v2: checks the title before drafting: a step added in front, for every instance (it breaks the running ones). */
df.app.orchestration('approval', function* (context) {
    const title = yield context.df.callActivity('validate', context.df.getInput());
    const draft = yield context.df.callActivity('draft', title);
    const approval = yield context.df.waitForExternalEvent('Approval');
    return yield context.df.callActivity('publish', { draft, approval });
});

df.app.activity('validate', { handler: (title) => String(title).trim() });
df.app.activity('draft', { handler: (title) => `draft of ${title}` });
df.app.activity('publish', { handler: ({ draft, approval }) => `${draft}, approved by ${approval}` });
