const df = require('durable-functions');

/**
 * v2 with a version branch: instances started before (no version) keep v1's steps; those started with
 * host.json defaultVersion "2.0" check the title first.
 */
df.app.orchestration('approval', function* (context) {
    let title = context.df.getInput();
    if (context.df.version === '2.0') title = yield context.df.callActivity('validate', title);
    const draft = yield context.df.callActivity('draft', title);
    const approval = yield context.df.waitForExternalEvent('Approval');
    return yield context.df.callActivity('publish', { draft, approval });
});

df.app.activity('validate', { handler: (title) => String(title).trim() });
df.app.activity('draft', { handler: (title) => `draft of ${title}` });
df.app.activity('publish', { handler: ({ draft, approval }) => `${draft}, approved by ${approval}` });

/**
 * Versions as sub-orchestrations see them: the default one, then one given explicitly (test/kit/versioning.test.ts).
 */
df.app.orchestration('versions', function* (context) {
    const byDefault = yield context.df.callSubOrchestrator('myVersion');
    const given = yield context.df.callSubOrchestrator('myVersion', undefined, undefined, '1.5');
    return { parent: context.df.version, byDefault, given };
});
// eslint-disable-next-line require-yield -- it answers without awaiting anything
df.app.orchestration('myVersion', function* (context) {
    return context.df.version;
});
