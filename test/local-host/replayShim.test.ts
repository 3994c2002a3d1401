import { ActionType } from '../../tools/local-host/engine/actionNodes';
import { EventType, historyEvent, type HistoryEvent } from '../../tools/local-host/model/history';
import { ReplayShim } from '../../tools/local-host/engine/replayShim';

const V3 = 2;
const t0 = new Date('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const started = (ms: number) => historyEvent(EventType.OrchestratorStarted, at(ms));
const retry = {
    actionType: ActionType.CallActivityWithRetry,
    functionName: 'flaky',
    input: 1,
    retryOptions: { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 3, backoffCoefficient: 2 },
};

function replay(actions: unknown[], history: HistoryEvent[]) {
    return new ReplayShim('i').run([actions], history, V3);
}

describe('ReplayShim (the extension side of replay)', () => {
    it('schedules a retry timer after a failure with the backoff, then the next attempt, with the ids durable-functions expects', () => {
        const base = [started(0), historyEvent(EventType.ExecutionStarted, at(0))];
        const first = replay([retry], base);
        expect(first.newEvents).toEqual([
            expect.objectContaining({ EventType: EventType.TaskScheduled, EventId: 0, Name: 'flaky', Input: '1' }),
        ]);

        const afterFailure = [
            ...base,
            ...first.newEvents,
            started(10),
            historyEvent(EventType.TaskFailed, at(10), { TaskScheduledId: 0 }),
        ];
        const timer = replay([retry], afterFailure).newEvents;
        expect(timer).toEqual([
            expect.objectContaining({ EventType: EventType.TimerCreated, EventId: 1, FireAt: at(1010).toISOString() }),
        ]);

        const afterTimer = [
            ...afterFailure,
            ...timer,
            started(1010),
            historyEvent(EventType.TimerFired, at(1010), { TimerId: 1 }),
        ];
        expect(replay([retry], afterTimer).newEvents).toEqual([
            expect.objectContaining({ EventType: EventType.TaskScheduled, EventId: 2 }),
        ]);

        const secondFailure = [
            ...afterTimer,
            ...replay([retry], afterTimer).newEvents,
            started(1020),
            historyEvent(EventType.TaskFailed, at(1020), { TaskScheduledId: 2 }),
        ];
        expect(replay([retry], secondFailure).newEvents).toEqual([
            expect.objectContaining({ EventType: EventType.TimerCreated, EventId: 3, FireAt: at(3020).toISOString() }),
        ]);
    });

    it('gives fan-out children consecutive ids and a later action the next id only after the WhenAll settles', () => {
        const call = (n: number) => ({ actionType: ActionType.CallActivity, functionName: 'double', input: n });
        const whenAll = { actionType: ActionType.WhenAll, compoundActions: [call(1), call(2), call(3)] };
        const base = [started(0), historyEvent(EventType.ExecutionStarted, at(0))];
        const fanOut = replay([whenAll], base).newEvents;
        expect(fanOut.map((e) => e.EventId)).toEqual([0, 1, 2]);
        const done = [
            ...base,
            ...fanOut,
            started(5),
            ...[0, 1, 2].map((id) =>
                historyEvent(EventType.TaskCompleted, at(5), { TaskScheduledId: id, Result: '2' }),
            ),
        ];
        expect(replay([whenAll, call(9)], done).newEvents).toEqual([
            expect.objectContaining({ EventId: 3, Input: '9' }),
        ]);
    });

    it('splits a timer beyond the maximum short timer into intervals, as the extension does for schema V3', () => {
        const shim = new ReplayShim('i', { maximumMs: 6 * 86400000, intervalMs: 3 * 86400000 });
        const fireAt = at(10 * 86400000);
        const result = shim.run(
            [[{ actionType: ActionType.CreateTimer, fireAt: fireAt.toISOString() }]],
            [started(0)],
            V3,
        );
        expect(result.newEvents).toEqual([
            expect.objectContaining({
                EventType: EventType.TimerCreated,
                EventId: 0,
                FireAt: at(3 * 86400000).toISOString(),
            }),
        ]);
    });

    it('refuses actions it cannot run with a clear message', () => {
        expect(() => replay([{ actionType: 99 }], [started(0)])).toThrow(/does not support the type 99 action/);
    });
});
