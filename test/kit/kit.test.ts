import { byInput, loadTestApp, type TestApp } from '../../tools/testing';

let app: TestApp;
let entities: TestApp;
beforeAll(async () => {
    [app, entities] = await Promise.all([loadTestApp('test/kit/fixture-app'), loadTestApp('test/apps/entity-counter')]);
});
afterAll(async () => {
    await app.close();
    await entities.close();
});

const START = new Date('2030-01-01T00:00:00Z');

describe('virtual time', () => {
    it('completes a 7-day timer at once, and currentUtcDateTime follows virtual time as replay does', async () => {
        const run = await app.runOrchestration('clockAcrossTimers', { startTime: START });
        expect(run.output).toEqual([
            '2030-01-01T00:00:00.000Z',
            '2030-01-08T00:00:00.000Z',
            '2030-01-08T01:00:00.000Z',
        ]);
        expect(run.now.toISOString()).toBe('2030-01-08T01:00:00.000Z');
    });

    it('fires timers in time order, not in the order they were created', async () => {
        const run = await app.runOrchestration('timersInOrder', { startTime: START });
        expect(run.history.filter((e) => e.EventType === 'TimerFired').map((e) => e.FireAt)).toEqual([
            '2030-01-01T01:00:00.000Z',
            '2030-01-01T02:00:00.000Z',
            '2030-01-01T03:00:00.000Z',
        ]);
        expect(run.output).toBe('2030-01-01T03:00:00.000Z');
    });

    it('advanceTime fires only the timers due by then (a 7-day timer is a chain of 3-day ones, as the extension makes it)', async () => {
        const run = await app.startOrchestration('clockAcrossTimers', { startTime: START });
        const fired = (result: { history: Record<string, unknown>[] }) =>
            result.history.filter((e) => e.EventType === 'TimerFired').map((e) => e.FireAt);
        const afterSixDays = await run.advanceTime({ days: 6 });
        expect(afterSixDays.runtimeStatus).toBe('Running');
        expect(fired(afterSixDays)).toEqual(['2030-01-04T00:00:00.000Z']);
        expect(fired(await run.advanceTime({ days: 1 }))).toEqual([
            '2030-01-04T00:00:00.000Z',
            '2030-01-08T00:00:00.000Z',
        ]);
        const done = await run.advanceTime({ hours: 1 });
        expect(done.runtimeStatus).toBe('Completed');
        expect(done.output).toHaveLength(3);
    });

    it('runs a retry after its back-off in virtual time', async () => {
        let calls = 0;
        const run = await app.runOrchestration('retrying', {
            startTime: START,
            activities: {
                echo: (input: string) => {
                    if (++calls < 3) throw new Error(`attempt ${calls} failed`);
                    return `${input} on attempt ${calls}`;
                },
            },
        });
        expect(run.output).toBe('x on attempt 3');
        expect(run.now.toISOString()).toBe('2030-01-01T00:02:00.000Z');
    });
});

describe('what the app runs', () => {
    it('runs sub-orchestrations and the real activities when no stub is given', async () => {
        const run = await app.runOrchestration('parent');
        expect(run.output).toEqual([1, 2]);
        expect(run.episodes[0].scheduled).toEqual([
            expect.objectContaining({ kind: 'subOrchestration', name: 'fanOut', input: 2 }),
        ]);
    });

    it('runs entities', async () => {
        const run = await entities.runOrchestration('counterOrchestration', {
            input: { key: 'k', signals: [1, 2], calls: [3, 4] },
        });
        expect(run.output).toBe(10);
    });
});

describe('failures that read like test failures', () => {
    it('names an activity called with input the test does not expect', async () => {
        await expect(
            app.runOrchestration('fanOut', { input: 3, activities: { echo: byInput({ 1: 'one', 2: 'two' }) } }),
        ).rejects.toThrow(
            'Activity \'echo\' was called with unexpected input 3 (call 3 of \'echo\'): unexpected input 3; the test expects one of: "1", "2"',
        );
    });

    it('turns a failed expect inside a stub into the test failure', async () => {
        const run = app.runOrchestration('fanOut', {
            input: 2,
            activities: { echo: (n: number) => expect(n).toBeLessThan(2) },
        });
        await expect(run).rejects.toThrow(
            /Activity 'echo' was called with unexpected input 2 \(call 2 of 'echo'\): expect\(received\)\.toBeLessThan\(expected\)/,
        );
    });

    it('refuses a stub for an activity the app does not have', async () => {
        await expect(app.runOrchestration('fanOut', { input: 1, activities: { ehco: () => 1 } })).rejects.toThrow(
            /activities\.ehco: the app registers no activity named 'ehco' \(its activities: echo, echoToo\)/,
        );
    });

    it('fails an orchestration that schedules other work on replay, as Azure does', async () => {
        await expect(app.runOrchestration('nameFromCounter')).rejects.toThrow(
            /not deterministic[\s\S]*scheduled an activity task named 'echo' with sequence number 1, but the current orchestration replay instead scheduled an activity task named 'echoToo'/,
        );
    });

    it('fails an orchestration whose replay computes another input from the wall clock', async () => {
        await expect(app.runOrchestration('inputFromDate')).rejects.toThrow(
            /not deterministic[\s\S]*an activity task named 'echo' \(sequence number 0\) was scheduled with input "20\d\d-.*but the replay computed "20\d\d-/,
        );
    });

    it('names what an orchestration that never finishes waits for, through its sub-orchestration', async () => {
        await expect(app.runOrchestration('waitsForGo', { instanceId: 'w1' })).rejects.toThrow(
            "Orchestration 'waitsForGo' (w1) never finishes: it is Running and waits for sub-orchestration 'waitsForever' (w1-child), which waits for external event 'go'; no timer is pending",
        );
    });

    it('gives up on timers beyond a year of virtual time, naming the one it waits for', async () => {
        await expect(app.runOrchestration('waitsTwoYears', { startTime: START })).rejects.toThrow(
            /never finishes: it is Running and waits for a timer due at 2031-01-0\dT00:00:00.000Z; its next timer is due after 366 days of virtual time/,
        );
    });
});
