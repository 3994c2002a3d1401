const df = require('durable-functions');

df.app.activity('sayHello', { handler: (city) => `Hello ${city}` });

/** Function chaining: three activities, one after the other. */
df.app.orchestration('helloSequence', function* (context) {
    const output = [];
    output.push(yield context.df.callActivity('sayHello', 'Tokyo'));
    output.push(yield context.df.callActivity('sayHello', 'Seattle'));
    output.push(yield context.df.callActivity('sayHello', 'Cairo'));
    return output;
});
