const { app } = require('@azure/functions');
const df = require('durable-functions');
const fs = require('node:fs');

// A synchronous loop: only functionTimeout (a worker restart) ends it.
df.app.activity('spin', {
    handler: () => {
        for (;;) {
            // never yields
        }
    },
});

// Ends its worker process the first time it runs for a marker file (process.exit in app code), then succeeds.
df.app.activity('exitOnce', {
    handler: (marker) => {
        if (!fs.existsSync(marker)) {
            fs.writeFileSync(marker, String(process.pid));
            process.exit(3);
        }
        return `ran again in pid ${process.pid} after pid ${fs.readFileSync(marker, 'utf8')} exited`;
    },
});

df.app.activity('double', { handler: (n) => n * 2 });

df.app.orchestration('spinner', function* (context) {
    return yield context.df.callActivity('spin');
});

df.app.orchestration('exitsOnce', function* (context) {
    return yield context.df.callActivity('exitOnce', context.df.getInput());
});

df.app.orchestration('quick', function* (context) {
    return yield context.df.callActivity('double', context.df.getInput());
});

// Answers, then throws from a timer: nothing can catch that but the worker's uncaughtException handler.
app.http('lateThrow', {
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: () => {
        setTimeout(() => {
            throw new Error('a late throw from a timer');
        }, 20);
        return { body: 'answered' };
    },
});

// What the platform sets for the app: WEBSITE_HOSTNAME, the host's name and port (the port is bound after the worker
// starts).
app.http('hostname', {
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: () => ({ body: String(process.env.WEBSITE_HOSTNAME) }),
});

// One line per run in the marker file: how many times an activity ran.
df.app.activity('countRun', {
    handler: (marker) => {
        fs.appendFileSync(marker, 'ran\n');
        return fs.readFileSync(marker, 'utf8').split('\n').filter(Boolean).length;
    },
});

// Hangs the first time it resumes after its activity (a following episode, run right after the activity in the
// worker): only functionTimeout ends it, and it is the orchestrator's timeout, not the activity's.
df.app.orchestration('hangsAfterStep', function* (context) {
    const marker = context.df.getInput();
    const runs = yield context.df.callActivity('countRun', marker);
    if (!fs.existsSync(`${marker}.hung`)) {
        fs.writeFileSync(`${marker}.hung`, '');
        for (;;) {
            // never yields
        }
    }
    return runs;
});

// Ends its worker the first time it resumes after its activity.
df.app.orchestration('exitsAfterStep', function* (context) {
    const marker = context.df.getInput();
    const runs = yield context.df.callActivity('countRun', marker);
    if (!fs.existsSync(`${marker}.exited`)) {
        fs.writeFileSync(`${marker}.exited`, '');
        process.exit(4);
    }
    return runs;
});

// A timer set from currentUtcDateTime after a step, replayed by the episodes that follow: its fire time must replay
// the same (the episode's OrchestratorStarted time is the one the orchestrator saw).
df.app.orchestration('stepThenTimer', function* (context) {
    const first = yield context.df.callActivity('double', 1);
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 50));
    const second = yield context.df.callActivity('double', first);
    return [first, second, context.df.currentUtcDateTime.toISOString()];
});

// n steps in a row; with a marker the last step waits for that file; with `wait` it then waits for the event 'go'.
df.app.orchestration('steps', function* (context) {
    const { n, marker, wait } = context.df.getInput();
    const results = [];
    for (let i = 0; i < n; i++) {
        const last = marker && i === n - 1;
        results.push(yield context.df.callActivity(last ? 'waitsForFile' : 'double', last ? marker : i));
    }
    if (wait) results.push(yield context.df.waitForExternalEvent('go'));
    return results;
});

// Returns once the file exists (the test creates it when the step may end), and removes it.
df.app.activity('waitsForFile', {
    handler: async (file) => {
        while (!fs.existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 10));
        fs.rmSync(file);
        return 'file';
    },
});

// n steps at once.
df.app.orchestration('fanOut', function* (context) {
    const n = context.df.getInput();
    const tasks = Array.from({ length: n }, (_, i) => context.df.callActivity('double', i));
    const results = yield context.df.Task.all(tasks);
    return results.reduce((a, b) => a + b, 0);
});
