const df = require('durable-functions');

df.app.activity('double', { handler: async (n) => n * 2 });

// Fails until it has been called `failures` times for `key`, then answers the attempt number.
const attempts = new Map();
df.app.activity('flaky', {
    handler: async ({ key, failures }) => {
        const attempt = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, attempt);
        if (attempt <= failures) throw new Error(`flaky ${key} attempt ${attempt} failed`);
        return attempt;
    },
});

df.app.activity('boom', {
    handler: async (city) => {
        throw new Error(`${city} is unreachable`);
    },
});

df.app.activity('sleep', { handler: (ms) => new Promise((resolve) => setTimeout(() => resolve(ms), ms)) });
