const df = require('durable-functions');

// The smallest activity: what is measured is the orchestration machinery, not the work.
df.app.activity('step', { handler: (i) => i });

df.app.orchestration('sequence', function* (context) {
    const n = context.df.getInput();
    let sum = 0;
    for (let i = 0; i < n; i++) sum += yield context.df.callActivity('step', i);
    return sum;
});

df.app.orchestration('fanOut', function* (context) {
    const n = context.df.getInput();
    const tasks = [];
    for (let i = 0; i < n; i++) tasks.push(context.df.callActivity('step', i));
    const results = yield context.df.Task.all(tasks);
    return results.reduce((a, b) => a + b, 0);
});
