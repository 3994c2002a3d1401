const df = require('durable-functions');

df.app.orchestration('fanOut', function* (context) {
    const n = context.df.getInput();
    const tasks = [];
    for (let i = 1; i <= n; i++) tasks.push(context.df.callActivity('double', i));
    const results = yield context.df.Task.all(tasks);
    return results.reduce((a, b) => a + b, 0);
});

df.app.orchestration('approval', function* (context) {
    const { timeoutMs } = context.df.getInput();
    const deadline = new Date(context.df.currentUtcDateTime.getTime() + timeoutMs);
    const timer = context.df.createTimer(deadline);
    const approval = context.df.waitForExternalEvent('approve');
    context.df.setCustomStatus('waiting');
    const winner = yield context.df.Task.any([approval, timer]);
    if (winner === approval) {
        timer.cancel();
        return { approved: approval.result };
    }
    return { approved: false, timedOut: true };
});

df.app.orchestration('parent', function* (context) {
    const child = yield context.df.callSubOrchestrator(
        'fanOut',
        context.df.getInput(),
        `${context.df.instanceId}-child`,
    );
    const second = yield context.df.callSubOrchestrator('fanOut', 1);
    return { child, second };
});

df.app.orchestration('retrying', function* (context) {
    const { key, failures, maxAttempts } = context.df.getInput();
    const options = new df.RetryOptions(50, maxAttempts);
    return yield context.df.callActivityWithRetry('flaky', options, { key, failures });
});

df.app.orchestration('failing', function* (context) {
    yield context.df.callActivity('boom', 'Tokyo');
    return 'unreachable';
});

df.app.orchestration('waitForEvent', function* (context) {
    const data = yield context.df.waitForExternalEvent('go');
    return { received: data };
});

df.app.orchestration('countTo', function* (context) {
    const { at, to } = context.df.getInput();
    context.df.setCustomStatus({ at });
    if (at < to) {
        yield context.df.callActivity('double', at);
        context.df.continueAsNew({ at: at + 1, to });
        return;
    }
    return at;
});

df.app.orchestration('slowSteps', function* (context) {
    const { steps, ms } = context.df.getInput();
    const done = [];
    for (let i = 0; i < steps; i++) {
        done.push(yield context.df.callActivity('sleep', ms));
        const wake = new Date(context.df.currentUtcDateTime.getTime() + ms);
        yield context.df.createTimer(wake);
    }
    return done.length;
});
