/* eslint-disable require-yield -- orchestrations that finish without awaiting anything */
const df = require('durable-functions');

df.app.activity('ActivityA', { handler: () => 'Hello from A' });
df.app.activity('ActivityB', { handler: () => 'Hello from B' });

/** context.df.version is host.json's defaultVersion (or the version given at start). */
df.app.orchestration('versionedOrchestrator', function* (context) {
    const activityResult = yield context.df.callActivity(context.df.version === '1.0' ? 'ActivityA' : 'ActivityB');
    const explicit = yield context.df.callSubOrchestrator('versionedSuborchestrator', undefined, undefined, '0.9');
    const inherited = yield context.df.callSubOrchestrator('versionedSuborchestrator');
    return [
        `Orchestration version: ${context.df.version}`,
        `Suborchestration version (explicit): ${explicit}`,
        `Suborchestration version (default): ${inherited}`,
        `Activity result: ${activityResult}`,
    ];
});

df.app.orchestration('versionedSuborchestrator', function* (context) {
    return context.df.version;
});
