const { app } = require('@azure/functions');

app.http('greet', {
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: (request) => ({ jsonBody: { greeting: `Hello ${request.query.get('name') || 'world'}` } }),
});
