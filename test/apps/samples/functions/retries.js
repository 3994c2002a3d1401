/* eslint-disable require-yield -- orchestrations that finish without awaiting anything */
const df = require('durable-functions');

/** Fails the first two attempts for each key, then answers. In-memory: one host process, like one worker. */
const attempts = new Map();
df.app.activity('flakyGreeting', {
    handler: (key) => {
        const attempt = (attempts.get(key) || 0) + 1;
        attempts.set(key, attempt);
        if (attempt < 3) throw new Error(`attempt ${attempt} for ${key} flaked`);
        return `Hello ${key} after ${attempt} attempts`;
    },
});

df.app.activity('alwaysFails', {
    handler: () => {
        throw new Error('this activity always fails');
    },
});

df.app.orchestration('callActivityWithRetry', function* (context) {
    const retry = new df.RetryOptions(100, 3);
    const greeting = yield context.df.callActivityWithRetry('flakyGreeting', retry, context.df.instanceId);
    let failure;
    try {
        yield context.df.callActivityWithRetry('alwaysFails', new df.RetryOptions(100, 2));
    } catch (error) {
        failure = error.message;
    }
    return { greeting, failure };
});

df.app.orchestration('flakyChild', function* (context) {
    return yield context.df.callActivity('flakyGreeting', context.df.getInput());
});

df.app.orchestration('throwsErrorInLine', function* () {
    throw new Error('throwsErrorInLine does what it says on the tin.');
});

/** Retries sub-orchestrations: one succeeds on its third attempt, one never does. */
df.app.orchestration('callSubOrchestratorWithRetry', function* (context) {
    const retry = new df.RetryOptions(100, 3);
    const greeting = yield context.df.callSubOrchestratorWithRetry(
        'flakyChild',
        retry,
        `child-of-${context.df.instanceId}`,
        `${context.df.instanceId}:flaky`,
    );
    let failure;
    try {
        yield context.df.callSubOrchestratorWithRetry(
            'throwsErrorInLine',
            new df.RetryOptions(100, 2),
            'Matter',
            `${context.df.instanceId}:0`,
        );
    } catch (error) {
        failure = error.message;
    }
    return { greeting, failure };
});
