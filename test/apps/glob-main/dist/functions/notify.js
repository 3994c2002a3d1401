const { app, output } = require('@azure/functions');

// Runs in Azure with the Service Bus and Twilio extensions; the local host cannot serve either.
const sms = output.generic({ type: 'twilioSms', accountSidSetting: 'TwilioAccountSid', authTokenSetting: 'TwilioAuthToken', from: '+15550000000' });

app.serviceBusQueue('orderQueued', {
    connection: 'ServiceBusConnection',
    queueName: 'orders',
    handler: (message, context) => context.log(`order ${JSON.stringify(message)}`),
});

app.http('textCustomer', {
    methods: ['POST'],
    authLevel: 'anonymous',
    extraOutputs: [sms],
    handler: (request, context) => {
        context.extraOutputs.set(sms, { body: 'Your order shipped', to: request.query.get('to') });
        return { status: 202 };
    },
});
