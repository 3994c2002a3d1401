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
