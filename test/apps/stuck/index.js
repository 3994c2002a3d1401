const { app } = require('@azure/functions');
const df = require('durable-functions');

df.app.activity('neverFinishes', { handler: () => new Promise(() => undefined) });

df.app.orchestration('waitsForever', function* (context) {
    return yield context.df.callActivity('neverFinishes');
});

app.http('leakRejection', {
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: () => {
        Promise.reject(new Error('a rejection nobody handles'));
        return { body: 'answered' };
    },
});

// Keeps the event loop busy while it waits, as a hook stuck on a network call does.
if (process.env.STUCK_ON_TERMINATE === '1')
    app.hook.appTerminate(() => new Promise(() => setTimeout(() => undefined, 600_000)));
