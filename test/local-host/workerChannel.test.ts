import { EventType, historyEvent, type HistoryEvent } from '../../tools/local-host/model/history';
import { parseFunctionTimeout } from '../../tools/local-host/worker-channel/functionTimeout';
import {
    HistoryCache,
    HistoryCacheMiss,
    HistorySender,
    type EpisodeRequest,
} from '../../tools/local-host/worker-process/episodeHistory';
import { fromWire, Outbox, toWire, type Batch } from '../../tools/local-host/worker-process/protocol';

describe('host.json functionTimeout', () => {
    it('reads time spans as the host prints them, defaults to Flex Consumption\'s 30 minutes, and "-1" is unbounded', () => {
        expect(parseFunctionTimeout('00:00:02')).toEqual({ ms: 2000, text: '00:00:02' });
        expect(parseFunctionTimeout(undefined)).toEqual({ ms: 30 * 60_000, text: '00:30:00' });
        expect(parseFunctionTimeout('1.02:03:04.5')).toEqual({
            ms: ((26 * 60 + 3) * 60 + 4) * 1000 + 500,
            text: '1.02:03:04.5000000',
        });
        expect(parseFunctionTimeout('-1')).toEqual({ text: '-1' });
    });

    it('refuses what is not a time span, saying what to write', () => {
        expect(() => parseFunctionTimeout('5m')).toThrow(
            `host.json functionTimeout '5m' is not a time span: use "hh:mm:ss" (e.g. "00:10:00"), or "-1" for no limit.`,
        );
        expect(() => parseFunctionTimeout(300)).toThrow(/is not a time span/);
        expect(() => parseFunctionTimeout('00:00:00')).toThrow(/must be longer than zero/);
    });
});

describe('orchestrator episodes across the worker channel', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const fields = {
        input: { city: 'Oslo' },
        instanceId: 'i1',
        parentInstanceId: null,
        upperSchemaVersion: 2,
        longRunningTimerIntervalDuration: '3.00:00:00',
        maximumShortTimerDuration: '6.00:00:00',
        defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    };
    const request = (history: EpisodeRequest['history'], newEvents: EpisodeRequest['newEvents']): EpisodeRequest => ({
        triggerName: 'context',
        executionId: 'e1',
        history,
        newEvents,
        fields,
    });
    /** The trigger as the extension sends it: every committed event IsPlayed, the new ones not. */
    const expected = (history: EpisodeRequest['history'], newEvents: EpisodeRequest['newEvents']) => ({
        ...fields,
        history: [...history.map((e) => ({ ...e, IsPlayed: true })), ...newEvents],
        isReplaying: history.length > 0,
    });

    it('sends only the events committed since the last episode, and the worker rebuilds the whole trigger', () => {
        const sender = new HistorySender();
        const cache = new HistoryCache();
        const history: HistoryEvent[] = [
            historyEvent(EventType.OrchestratorStarted, at),
            historyEvent(EventType.ExecutionStarted, at, { Name: 'hello' }),
        ];
        const first = [historyEvent(EventType.TaskCompleted, at, { TaskScheduledId: 0, Result: '"a"' })];
        const input1 = sender.input(request(history, first));
        expect(input1.from).toBe(0);
        expect(JSON.parse(cache.inputData(input1).context.json!)).toEqual(expected(history, first));

        history.push(...first, historyEvent(EventType.TaskScheduled, at, { Name: 'say' }, 1));
        const second = [historyEvent(EventType.TaskCompleted, at, { TaskScheduledId: 1, Result: '"b"' })];
        const input2 = sender.input(request(history, second));
        expect(input2).toMatchObject({ from: 2, past: history.slice(2) });
        expect(JSON.parse(cache.inputData(input2).context.json!)).toEqual(expected(history, second));

        // A replaced history (rewind, continue-as-new) goes whole again.
        const rewound = [...history];
        expect(sender.input(request(rewound, [])).from).toBe(0);
    });

    it('a worker that does not hold the history says so instead of replaying a wrong one', () => {
        const sender = new HistorySender();
        const history: HistoryEvent[] = [historyEvent(EventType.ExecutionStarted, at)];
        sender.input(request(history, []));
        history.push(historyEvent(EventType.OrchestratorCompleted, at));
        expect(() => new HistoryCache().inputData(sender.input(request(history, [])))).toThrow(HistoryCacheMiss);
    });

    it('binary data crosses the JSON channel as base64 and comes back as bytes', () => {
        const body = new Uint8Array([0, 1, 254, 255]);
        const wire = JSON.parse(JSON.stringify(toWire({ inputData: { req: { http: { body: { bytes: body } } } } })));
        expect(fromWire(wire)).toEqual({ inputData: { req: { http: { body: { bytes: body } } } } });
    });
});

describe("the channel's outbox", () => {
    type Message = { type: string; n: number };
    const writesOf = () => {
        const writes: (Message | Batch<Message>)[] = [];
        return { writes, outbox: new Outbox<Message>((m) => writes.push(m)) };
    };

    it('sends what one turn produced as one write, in order; a log line waits for the result that follows it', async () => {
        const { writes, outbox } = writesOf();
        outbox.send({ type: 'log', n: 1 }, true);
        outbox.send({ type: 'response', n: 2 });
        outbox.send({ type: 'log', n: 3 }, true);
        await Promise.resolve();
        expect(writes).toEqual([
            {
                type: 'batch',
                messages: [
                    { type: 'log', n: 1 },
                    { type: 'response', n: 2 },
                    { type: 'log', n: 3 },
                ],
            },
        ]);
    });

    it('sends a log line with nothing after it at the end of the turn', async () => {
        const { writes, outbox } = writesOf();
        outbox.send({ type: 'log', n: 1 }, true);
        await Promise.resolve();
        expect(writes).toEqual([]);
        await new Promise((resolve) => setImmediate(resolve));
        expect(writes).toEqual([{ type: 'log', n: 1 }]);
    });
});
