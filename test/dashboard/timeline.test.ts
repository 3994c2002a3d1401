import { buildTimeline, timelineSpan } from '../../tools/local-host/dashboard/src/timeline';
import type { HistoryEvent } from '../../tools/local-host/dashboard/src/types';

const at = (seconds: number) => new Date(Date.UTC(2025, 0, 1, 12, 0, seconds)).toISOString();

describe('dashboard timeline', () => {
    it('pairs folded activity completions, timers and sub-orchestrations with their durations, in time order', () => {
        // The extension's showHistory format: TaskScheduled folded into TaskCompleted as ScheduledTime.
        const history: HistoryEvent[] = [
            { EventType: 'ExecutionStarted', FunctionName: 'hello_orchestrator', Timestamp: at(0), Input: null },
            { EventType: 'OrchestratorStarted', Timestamp: at(0) },
            {
                EventType: 'TaskCompleted',
                FunctionName: 'hello',
                ScheduledTime: at(1),
                Timestamp: at(3),
                Result: 'Hello Seattle',
            },
            { EventType: 'TimerCreated', FireAt: at(9), Timestamp: at(4) },
            { EventType: 'TimerFired', FireAt: at(9), Timestamp: at(9) },
            {
                EventType: 'SubOrchestrationInstanceFailed',
                FunctionName: 'child',
                ScheduledTime: at(10),
                Timestamp: at(12),
                FailureDetails: { ErrorMessage: 'boom' },
            },
            { EventType: 'TaskScheduled', Name: 'hello', Timestamp: at(13) },
        ];
        const rows = buildTimeline(history);
        expect(
            rows.map((r) => [r.kind, r.name, r.state, r.end === undefined ? undefined : (r.end - r.start) / 1000]),
        ).toEqual([
            ['orchestration', 'hello_orchestrator', 'done', undefined],
            ['activity', 'hello', 'done', 2],
            ['timer', 'timer', 'done', 5],
            ['suborchestration', 'child', 'failed', 2],
            ['activity', 'hello', 'running', undefined],
        ]);
        expect(rows[1].detail).toBe('Hello Seattle');
        expect(rows[3].detail).toEqual({ ErrorMessage: 'boom' });
        const now = Date.parse(at(20));
        expect(timelineSpan(rows, now)).toEqual({ start: Date.parse(at(0)), end: now });
    });

    it('pairs raw histories by TaskScheduledId and keeps terminal events as points', () => {
        const rows = buildTimeline([
            { EventType: 'ExecutionStarted', Name: 'waiter', Timestamp: at(0) },
            { EventType: 'TaskScheduled', EventId: 0, Name: 'a', Timestamp: at(1) },
            { EventType: 4, EventId: 1, Name: 'b', Timestamp: at(1) },
            { EventType: 'TaskFailed', TaskScheduledId: 1, Timestamp: at(2), Reason: 'nope' },
            { EventType: 'TaskCompleted', TaskScheduledId: 0, Timestamp: at(4), Result: '1' },
            { EventType: 'ExecutionTerminated', Timestamp: at(5), Input: 'stop' },
        ]);
        expect(rows.map((r) => [r.name, r.eventType, r.state, r.end && (r.end - r.start) / 1000, r.detail])).toEqual([
            ['waiter', 'ExecutionStarted', 'done', undefined, undefined],
            ['a', 'TaskCompleted', 'done', 3, '1'],
            ['b', 'TaskFailed', 'failed', 1, 'nope'],
            ['', 'ExecutionTerminated', 'done', undefined, 'stop'],
        ]);
    });
});
