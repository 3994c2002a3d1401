const { app } = require('@azure/functions');

const ticks = [];

app.timer('everySecond', {
    schedule: '*/1 * * * * *',
    runOnStartup: true,
    handler: (timer, context) => {
        ticks.push({ at: new Date().toISOString(), isPastDue: timer.isPastDue, hasSchedule: Boolean(timer.scheduleStatus), invocationId: context.invocationId });
    },
});

app.http('ticks', { methods: ['GET'], authLevel: 'anonymous', handler: () => ({ jsonBody: ticks }) });
