import { CompletionIndex } from '../../tools/local-host/engine/answered';
import { EventType, historyEvent, type HistoryEvent } from '../../tools/local-host/model/history';

/** The engine drops a completion its instance already has: the index must see every completion the history holds. */
const at = new Date('2026-01-01T00:00:00Z');
const completed = (id: number): HistoryEvent =>
    historyEvent(EventType.TaskCompleted, at, { TaskScheduledId: id, Result: '1' });

it('knows the completions of a history as it grows, and of a new history that replaces it', () => {
    const index = new CompletionIndex();
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

it('knows the completions waiting in an inbox however it changes: appended, taken from the front or the middle, put back, emptied', () => {
    const index = new CompletionIndex();
    const [c0, c1, c2, c3] = [completed(0), completed(1), completed(2), completed(3)];
    const inbox: HistoryEvent[] = [c0, c1];
    expect(index.has(inbox, completed(1))).toBe(true);
    expect(index.has(inbox, completed(2))).toBe(false);
    inbox.push(c2);
    expect(index.has(inbox, completed(2))).toBe(true);
    // Taken by an episode: no longer waiting.
    const taken = inbox.splice(0, 2);
    expect(index.has(inbox, completed(0))).toBe(false);
    expect(index.has(inbox, completed(2))).toBe(true);
    // The episode was interrupted: its messages go back to the front.
    inbox.unshift(...taken);
    expect(index.has(inbox, completed(0))).toBe(true);
    // One taken from the middle (a suspended instance's resume) and one delivered: same length, other content.
    inbox.splice(1, 1);
    inbox.push(c3);
    expect(index.has(inbox, completed(1))).toBe(false);
    expect(index.has(inbox, completed(3))).toBe(true);
    inbox.length = 0;
    expect(index.has(inbox, completed(3))).toBe(false);
    expect(index.has(inbox, historyEvent(EventType.EventRaised, at, { Name: 'x' }))).toBe(false);
});
