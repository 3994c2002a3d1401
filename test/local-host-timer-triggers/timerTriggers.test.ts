import { parseSchedule } from '../../tools/local-host/triggers/ncrontab';
import { TimerTriggers } from '../../tools/local-host/triggers/timer';
import { AppHarness } from '../support/appHarness';

const mockHarness = new AppHarness();
jest.mock('@azure/functions-core', () => mockHarness.core.api, { virtual: true });

const { app } = require('@azure/functions') as typeof import('@azure/functions');
const ticks: { isPastDue: boolean; scheduleStatus?: { next: string } }[] = [];
app.timer('everySecond', { schedule: '*/1 * * * * *', runOnStartup: true, handler: (timer) => void ticks.push(timer) });
app.timer('badSchedule', { schedule: '0 0 25 * * *', handler: () => undefined });
app.timer('fromSetting', { schedule: '%NIGHTLY%', handler: () => undefined });

const next = (schedule: string, after: string) =>
    parseSchedule(schedule, { NIGHTLY: '0 0 2 * * *' }).next(new Date(after)).toISOString();

describe('NCRONTAB schedules', () => {
    it.each([
        ['*/1 * * * * *', '2026-03-04T12:03:10.400Z', '2026-03-04T12:03:11.000Z'],
        ['0 */5 * * * *', '2026-03-04T12:03:10Z', '2026-03-04T12:05:00.000Z'],
        ['0 0 9 * * Mon-Fri', '2026-03-07T10:00:00Z', '2026-03-09T09:00:00.000Z'],
        ['0 30 9 1 Jan *', '2026-03-04T00:00:00Z', '2027-01-01T09:30:00.000Z'],
        ['*/15 * * * *', '2026-03-04T12:03:10Z', '2026-03-04T12:15:00.000Z'],
        ['0 0 0 13 * 5', '2026-01-01T00:00:00Z', '2026-02-13T00:00:00.000Z'],
        ['00:00:02', '2026-03-04T12:00:00Z', '2026-03-04T12:00:02.000Z'],
        ['%NIGHTLY%', '2026-03-04T12:00:00Z', '2026-03-05T02:00:00.000Z'],
    ])('%s after %s is %s', (schedule, after, expected) => {
        expect(next(schedule, after)).toBe(expected);
    });

    it.each([
        ['0 0 25 * * *', /Invalid hour "25"/],
        ['* * *', /not an NCRONTAB expression/],
        ['%MISSING%', /app setting MISSING, which is not set/],
    ])('rejects %s with a message saying what is wrong', (schedule, message) => {
        expect(() => parseSchedule(schedule, {})).toThrow(message);
    });
});

describe('TimerTriggers', () => {
    beforeEach(() => jest.useFakeTimers({ now: new Date('2026-03-04T12:00:00.500Z') }));
    afterEach(() => jest.useRealTimers());

    it('runs on start-up, then on every occurrence, and reports schedules it cannot serve', async () => {
        const timers = new TimerTriggers(mockHarness.core, { env: { NIGHTLY: '0 0 2 * * *' } });
        expect(timers.functionNames.sort()).toEqual(['everySecond', 'fromSetting']);
        expect(timers.problems).toEqual([
            { functionName: 'badSchedule', reason: expect.stringMatching(/Invalid hour "25"/) },
        ]);
        timers.start();
        await jest.advanceTimersByTimeAsync(0);
        expect(ticks).toHaveLength(1);
        await jest.advanceTimersByTimeAsync(3000);
        timers.stop();
        expect(ticks).toHaveLength(4);
        expect(ticks.every((t) => t.isPastDue === false)).toBe(true);
        expect(ticks[1].scheduleStatus?.next).toBe('2026-03-04T12:00:02.000Z');
    });
});
