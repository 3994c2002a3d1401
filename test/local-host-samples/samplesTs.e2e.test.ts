import * as path from 'node:path';
import { httpJson, pollStatus, startLocalHost, type LocalHost } from '../support/localHost';

let host: LocalHost;
beforeAll(async () => {
    host = await startLocalHost({ app: path.join(__dirname, '../apps/samples-ts') });
});
afterAll(async () => {
    await host?.stop();
});

/** Waits (bounded) until the host has printed a line matching `pattern`. */
async function printed(pattern: RegExp): Promise<RegExpExecArray> {
    for (let i = 0; i < 200; i++) {
        const match = pattern.exec(host.output());
        if (match) return match;
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`the host never printed ${pattern}:\n${host.output()}`);
}

describe('a TypeScript app in the shape of the durable-functions v4 samples (tsc without esModuleInterop)', () => {
    it('runs the SMS phone verification pattern: Twilio output logged, context.log shown, events raced against a timer', async () => {
        expect(host.output()).toMatch(
            /sendChallengeCode: output binding 'twilioSms' is not available locally .*the activity still runs/,
        );
        const started = await httpJson(
            'POST',
            `${host.url}/api/orchestrators/phoneVerification`,
            JSON.stringify('+15550100'),
        );
        expect(started.status).toBe(202);
        await printed(new RegExp(`Started orchestration with ID = '${started.body.id}'`));
        // `import * as assert from "assert"` called as a function: works only with tsc's require semantics.
        const sent = await printed(/Sending verification code (\d{4}) to \+15550100\./);
        const code = Number(sent[1]);
        expect(host.output()).toContain(
            `warning: Activity 'sendChallengeCode' set its 'twilioSms' output, which is not delivered locally (it is in Azure): {"body":"Your verification code is ${code}","to":"+15550100"}`,
        );

        const raise = (answer: number) =>
            httpJson('POST', started.body.sendEventPostUri.replace('{eventName}', 'SmsChallengeResponse'), answer);
        expect((await raise(code === 1000 ? 1001 : 1000)).status).toBe(202);
        expect((await raise(code)).status).toBe(202);
        const done = await pollStatus(started.body.statusQueryGetUri);
        expect(done).toMatchObject({ runtimeStatus: 'Completed', output: true });
    });

    it("fails the orchestration with the activity's assertion message for a missing input", async () => {
        const started = await httpJson('POST', `${host.url}/api/orchestrators/phoneVerification`, '""');
        const done = await pollStatus(started.body.statusQueryGetUri);
        expect(done.runtimeStatus).toBe('Failed');
        expect(done.output).toMatch(/A phone number input is required\./);
    });

    it('fails callHttp with a clear reason and keeps serving', async () => {
        const started = await httpJson('POST', `${host.url}/api/orchestrators/listSubscriptions`, 'null');
        const done = await pollStatus(started.body.statusQueryGetUri);
        expect(done).toMatchObject({
            runtimeStatus: 'Failed',
            output: expect.stringMatching(/does not serve callHttp .*call the URL from an activity/),
        });
        expect((await httpJson('GET', started.body.statusQueryGetUri)).status).toBe(200);
    });
});
