const df = require('durable-functions');

df.app.activity('echo', { handler: async (input) => input });

// currentUtcDateTime at the start, after a 7-day timer and after a 1-hour one.
df.app.orchestration('clockAcrossTimers', function* (context) {
    const seen = [context.df.currentUtcDateTime.toISOString()];
    for (const ms of [7 * 86400000, 3600000]) {
        yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + ms));
        seen.push(context.df.currentUtcDateTime.toISOString());
    }
    return seen;
});

// Three timers started together fire in time order, whatever the order they were created in.
df.app.orchestration('timersInOrder', function* (context) {
    const at = (hours) => new Date(context.df.currentUtcDateTime.getTime() + hours * 3600000);
    yield context.df.Task.all([3, 1, 2].map((hours) => context.df.createTimer(at(hours))));
    return context.df.currentUtcDateTime.toISOString();
});

// Not deterministic: which activity runs depends on a counter that survives between replays.
let episodes = 0;
df.app.orchestration('nameFromCounter', function* (context) {
    yield context.df.callActivity('echo', 1);
    yield context.df.callActivity(episodes++ % 2 === 0 ? 'echo' : 'echoToo', 2);
    return 'done';
});
df.app.activity('echoToo', { handler: async (input) => input });

// Not deterministic: the wall clock in an activity's input.
df.app.orchestration('inputFromDate', function* (context) {
    const first = yield context.df.callActivity('echo', new Date().toISOString());
    yield context.df.callActivity('echo', 'second');
    return first;
});

df.app.orchestration('waitsForGo', function* (context) {
    yield context.df.callSubOrchestrator('waitsForever', null, `${context.df.instanceId}-child`);
});
df.app.orchestration('waitsForever', function* (context) {
    return yield context.df.waitForExternalEvent('go');
});

df.app.orchestration('fanOut', function* (context) {
    const n = context.df.getInput();
    const tasks = [];
    for (let i = 1; i <= n; i++) tasks.push(context.df.callActivity('echo', i));
    return yield context.df.Task.all(tasks);
});

df.app.orchestration('retrying', function* (context) {
    return yield context.df.callActivityWithRetry('echo', new df.RetryOptions(60000, 3), 'x');
});

df.app.orchestration('parent', function* (context) {
    return yield context.df.callSubOrchestrator('fanOut', 2);
});

df.app.orchestration('waitsTwoYears', function* (context) {
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 2 * 365 * 86400000));
    return 'too late';
});

// First mistakes: a mistyped activity name, and an event the orchestrator waits for under another case.
df.app.orchestration('callsMistypedActivity', function* (context) {
    return yield context.df.callActivity('ehco', 'hi');
});
df.app.orchestration('waitsForApproval', function* (context) {
    const approval = yield context.df.waitForExternalEvent('approval');
    return approval.approved ? 'approved' : 'rejected';
});
df.app.orchestration('approvalOrTimeout', function* (context) {
    const approval = context.df.waitForExternalEvent('approval');
    const timeout = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 86400000));
    const winner = yield context.df.Task.any([approval, timeout]);
    return winner === approval ? 'approved' : 'timed out';
});
df.app.orchestration('callsMistypedSubOrchestration', function* (context) {
    return yield context.df.callSubOrchestrator('FanOut', 1);
});
