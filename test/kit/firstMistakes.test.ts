import { loadTestApp, type TestApp } from '../../tools/testing';

let app: TestApp;
beforeAll(async () => {
    app = await loadTestApp('test/kit/fixture-app');
});
afterAll(() => app.close());

/** The error a promise rejects with (the test fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
    return promise.then(
        () => {
            throw new Error('expected a rejection');
        },
        (err: Error) => err,
    );
}

describe('a mistyped function name', () => {
    it('fails the test at its line with the name, the app\'s names and a suggestion, not only "Failed"', async () => {
        const error = await rejection(app.runOrchestration('callsMistypedActivity'));
        expect(error.name).toBe('UnknownFunction');
        expect(error.message).toMatch(
            /^Orchestration 'callsMistypedActivity' \(\w+\) calls activity 'ehco', which the app does not register \(its activities: echo, echoToo\): did you mean 'echo'\?/,
        );
        expect(error.message).toMatch(
            /In Azure the call fails \("The function 'ehco' doesn't exist, is disabled, or is not an activity function"\) and so does the orchestration: check the name in callActivity\.$/,
        );
        // The first frame is this file: jest shows the test's line, not the kit's.
        const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
        expect(frames[0]).toMatch(/firstMistakes\.test\.ts:\d+/);
        expect(frames.filter((line) => /tools[\\/](testing|local-host)[\\/]/.test(line))).toEqual([]);
    });

    it('names a sub-orchestration mistyped by case the same way', async () => {
        await expect(app.runOrchestration('callsMistypedSubOrchestration')).rejects.toThrow(
            /calls sub-orchestration 'FanOut', which the app does not register \(its orchestrations: .*\bfanOut\b.*\): did you mean 'fanOut'\? .*check the name in callSubOrchestrator/,
        );
    });
});

describe('expect(run).toHaveCompleted()', () => {
    const failing = () =>
        app.runOrchestration('fanOut', {
            input: 1,
            activities: {
                echo: () => {
                    throw new Error('the warehouse is closed');
                },
            },
        });

    it('passes on a Completed run, and compares the output when given one', async () => {
        const run = await app.runOrchestration('fanOut', { input: 2 });
        expect(run).toHaveCompleted();
        expect(run).toHaveCompleted([1, 2]);
        expect(() => expect(run).toHaveCompleted([2, 1])).toThrow(
            /completed with another output:[\s\S]*Expected output[\s\S]*Received output/,
        );
    });

    it('says why a Failed run failed: the failure reason, without the serialized exception', async () => {
        const run = await failing();
        expect(run.runtimeStatus).toBe('Failed');
        const error = (() => {
            try {
                expect(run).toHaveCompleted();
            } catch (err) {
                return err as Error;
            }
            throw new Error('expected toHaveCompleted to fail');
        })();
        expect(error.message).toMatch(
            /^Orchestration 'fanOut' \(\w+\) is Failed, not Completed\.\nReason: Orchestrator function 'fanOut' failed: Activity function 'echo' failed: the warehouse is closed\n/,
        );
        // Where the activity threw: here, the stub in this file (in an app, the activity's source line).
        expect(error.message).toMatch(/\nThrown at: .*firstMistakes\.test\.ts:\d+:\d+\)?$/);
        expect(error.message).not.toContain('$type');
        expect(error.stack).toMatch(/firstMistakes\.test\.ts/);
    });

    it('can be negated for a run expected to fail', async () => {
        expect(await failing()).not.toHaveCompleted();
    });
});

describe('an event raised but never awaited', () => {
    it('is named, with the case it should have, when the orchestration never finishes', async () => {
        await expect(
            app.runOrchestration('waitsForApproval', { events: [{ name: 'Approval', data: { approved: true } }] }),
        ).rejects.toThrow(
            /never finishes: it is Running and waits for external event 'approval'; it was sent event 'Approval', which it never waits for \(event names are case-sensitive: it waits for 'approval', not 'Approval'\); no timer is pending/,
        );
    });

    it('is listed on a run that finished another way, and named by toHaveCompleted', async () => {
        const run = await app.runOrchestration('approvalOrTimeout', {
            events: [{ name: 'Approval', data: { approved: true } }],
        });
        expect(run.output).toBe('timed out');
        expect(run.eventsNeverAwaited).toEqual(['Approval']);
        expect(() => expect(run).toHaveCompleted('approved')).toThrow(
            /Raised but never awaited: 'Approval' \(event names are case-sensitive/,
        );
    });

    it('is not reported for an event the orchestration waited for', async () => {
        const run = await app.runOrchestration('approvalOrTimeout', {
            events: [{ name: 'approval', data: { approved: true } }],
        });
        expect(run).toHaveCompleted('approved');
        expect(run.eventsNeverAwaited).toEqual([]);
    });
});
