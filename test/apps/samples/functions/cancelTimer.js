const df = require('durable-functions');

/** Races an activity against a one-hour timer; the activity wins and the timer is cancelled. */
df.app.orchestration('cancelTimer', function* (context) {
    const expiration = new Date(context.df.currentUtcDateTime.getTime() + 60 * 60 * 1000);
    const timeoutTask = context.df.createTimer(expiration);
    const helloTask = context.df.callActivity('sayHello', 'from the other side');
    const winner = yield context.df.Task.any([helloTask, timeoutTask]);
    if (!timeoutTask.isCompleted) {
        timeoutTask.cancel();
    }
    return winner === helloTask ? helloTask.result : 'timed out';
});
