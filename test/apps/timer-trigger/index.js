const { app } = require('@azure/functions');

const ticks = [];
const yearlyTicks = [];

app.timer('everySecond', {
    schedule: '*/1 * * * * *',
    handler: (timer, context) => {
        ticks.push({
            at: new Date().toISOString(),
            isPastDue: timer.isPastDue,
            hasSchedule: Boolean(timer.scheduleStatus),
            invocationId: context.invocationId,
        });
    },
});

// Its schedule is once a year, so a tick while the host runs can only come from runOnStartup.
app.timer('newYear', {
    schedule: '0 0 0 1 1 *',
    runOnStartup: true,
    handler: (timer) => {
        yearlyTicks.push({ at: new Date().toISOString(), isPastDue: timer.isPastDue });
    },
});

app.http('ticks', { methods: ['GET'], authLevel: 'anonymous', handler: () => ({ jsonBody: { ticks, yearlyTicks } }) });
