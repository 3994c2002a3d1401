import { AnsweredIndex } from '../../tools/local-host/engine/answered';
import { EventType, historyEvent, type HistoryEvent } from '../../tools/local-host/model/history';

/** The engine drops a completion its instance already has: the index must see every completion the history holds. */
const at = new Date('2026-01-01T00:00:00Z');
const completed = (id: number): HistoryEvent => historyEvent(EventType.TaskCompleted, at, { TaskScheduledId: id, Result: '1' });

it('knows the completions of a history as it grows, and of a new history that replaces it', () => {
    const index = new AnsweredIndex();
    const history: HistoryEvent[] = [historyEvent(EventType.OrchestratorStarted, at), completed(0)];
    expect(index.has(history, completed(0))).toBe(true);
    expect(index.has(history, completed(1))).toBe(false);
    history.push(completed(1), historyEvent(EventType.TimerFired, at, { TimerId: 2 }));
    expect(index.has(history, completed(1))).toBe(true);
    expect(index.has(history, historyEvent(EventType.TimerFired, at, { TimerId: 2 }))).toBe(true);
    // A timer and a task with the same id are different completions; events that complete nothing are never "answered".
    expect(index.has(history, historyEvent(EventType.TimerFired, at, { TimerId: 1 }))).toBe(false);
    expect(index.has(history, historyEvent(EventType.EventRaised, at, { Name: 'x' }))).toBe(false);
    // Continue-as-new or rewind: a new array, nothing carried over.
    expect(index.has([completed(5)], completed(1))).toBe(false);
});
