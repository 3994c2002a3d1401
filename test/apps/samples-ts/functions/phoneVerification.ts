import { InvocationContext, output } from '@azure/functions';
import * as df from 'durable-functions';
import { ActivityHandler, OrchestrationContext, OrchestrationHandler } from 'durable-functions';
// tsc without esModuleInterop compiles this to require("assert"), which can be called.
import * as assert from 'assert';

const challengeActivity = 'sendChallengeCode';

const phoneVerification: OrchestrationHandler = function* (context: OrchestrationContext) {
    const phoneNumber = context.df.getInput() as string;
    const challengeCode: number = yield context.df.callActivity(challengeActivity, phoneNumber);

    const deadline = new Date(context.df.currentUtcDateTime.getTime() + 90 * 1000);
    const timeout = context.df.createTimer(deadline);
    let authorized = false;
    for (let attempt = 0; attempt < 3; attempt++) {
        const answer = context.df.waitForExternalEvent('SmsChallengeResponse');
        const winner = yield context.df.Task.any([answer, timeout]);
        if (winner === timeout) break;
        if (answer.result === challengeCode) {
            authorized = true;
            break;
        }
    }
    if (!timeout.isCompleted) timeout.cancel();
    return authorized;
};
df.app.orchestration('phoneVerification', phoneVerification);

const smsOutput = output.generic({
    type: 'twilioSms',
    from: '%TwilioPhoneNumber%',
    accountSidSetting: 'TwilioAccountSid',
    authTokenSetting: 'TwilioAuthToken',
});

const sendChallengeCode: ActivityHandler = function (phoneNumber: string, context: InvocationContext): number {
    assert(typeof phoneNumber === 'string' && phoneNumber.length > 0, 'A phone number input is required.');
    const challengeCode = 1000 + Math.floor(Math.random() * 9000);
    context.log(`Sending verification code ${challengeCode} to ${phoneNumber}.`);
    context.extraOutputs.set(smsOutput, { body: `Your verification code is ${challengeCode}`, to: phoneNumber });
    return challengeCode;
};
df.app.activity(challengeActivity, { extraOutputs: [smsOutput], handler: sendChallengeCode });
