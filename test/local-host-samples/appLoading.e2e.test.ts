import * as path from 'node:path';
import { httpJson, startLocalHost } from '../support/localHost';

describe('loading any v4 app as the worker does', () => {
    it('loads a glob main and lists functions it cannot serve, with the reason, instead of crashing', async () => {
        const host = await startLocalHost({ app: path.join(__dirname, '../apps/glob-main') });
        try {
            const out = host.output();
            expect(out).toMatch(
                /Not served locally:[\s\S]*orderQueued: trigger binding 'serviceBusTrigger' is not available locally/,
            );
            expect(out).toMatch(/textCustomer: output binding 'twilioSms' is not available locally/);
            expect((await httpJson('GET', `${host.url}/api/greet?name=glob`)).body).toEqual({ greeting: 'Hello glob' });
            const refused = await httpJson('POST', `${host.url}/api/textCustomer?to=1`);
            expect(refused.status).toBe(501);
            expect(refused.body.error).toMatch(/twilioSms/);
        } finally {
            await host.stop();
        }
    });

    it('fires timer triggers on their schedule, and once on start-up with runOnStartup', async () => {
        const host = await startLocalHost({ app: path.join(__dirname, '../apps/timer-trigger') });
        try {
            type Tick = { at: string; isPastDue: boolean; hasSchedule?: boolean };
            let body: { ticks: Tick[]; yearlyTicks: Tick[] } = { ticks: [], yearlyTicks: [] };
            for (let i = 0; i < 100 && body.ticks.length < 3; i++) {
                body = (await httpJson('GET', `${host.url}/api/ticks`)).body;
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
            expect(body.ticks.length).toBeGreaterThanOrEqual(3);
            expect(body.ticks.every((t) => t.hasSchedule)).toBe(true);
            // newYear's schedule (1 January) cannot come round during the test: its one tick is runOnStartup's.
            expect(body.yearlyTicks).toHaveLength(1);
            expect(host.output()).toMatch(/everySecond: timerTrigger/);
        } finally {
            await host.stop();
        }
    });
});
