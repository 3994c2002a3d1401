import * as path from 'node:path';
import { httpJson, startLocalHost } from '../support/localHost';

describe('loading any v4 app as the worker does', () => {
    it('loads a glob main and lists functions it cannot serve, with the reason, instead of crashing', async () => {
        const host = await startLocalHost({ app: path.join(__dirname, '../apps/glob-main') });
        try {
            const out = host.output();
            expect(out).toMatch(/Not served locally:[\s\S]*orderQueued: trigger binding 'serviceBusTrigger' is not available locally/);
            expect(out).toMatch(/textCustomer: output binding 'twilioSms' is not available locally/);
            expect((await httpJson('GET', `${host.url}/api/greet?name=glob`)).body).toEqual({ greeting: 'Hello glob' });
            const refused = await httpJson('POST', `${host.url}/api/textCustomer?to=1`);
            expect(refused.status).toBe(501);
            expect(refused.body.error).toMatch(/twilioSms/);
        } finally {
            await host.stop();
        }
    });

    it('fires timer triggers on start-up and on their schedule', async () => {
        const startedAt = Date.now();
        const host = await startLocalHost({ app: path.join(__dirname, '../apps/timer-trigger') });
        try {
            let ticks: { at: string; isPastDue: boolean; hasSchedule: boolean }[] = [];
            for (let i = 0; i < 100 && ticks.length < 3; i++) {
                ticks = (await httpJson('GET', `${host.url}/api/ticks`)).body;
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
            expect(ticks.length).toBeGreaterThanOrEqual(3);
            expect(Date.parse(ticks[0].at) - startedAt).toBeLessThan(5000);
            expect(ticks.every((t) => t.hasSchedule)).toBe(true);
            expect(host.output()).toMatch(/everySecond: timerTrigger/);
        } finally {
            await host.stop();
        }
    });
});
