// The template for testing your own orchestrations: copy it next to your tests and point loadTestApp at your app
// folder.
import { byInput, loadTestApp, type TestApp } from '../../../tools/testing';

let app: TestApp;
beforeAll(async () => {
    app = await loadTestApp('test/kit/examples/order-app');
});
afterAll(() => app.close());

const order = { orderId: 'o-42', skus: ['apple', 'pear'] };
const reserveItem = byInput({
    apple: { sku: 'apple', reservationId: 'r1' },
    pear: { sku: 'pear', reservationId: 'r2' },
});

describe('processOrder', () => {
    it('reserves every item at once, then ships when approved within the week', async () => {
        const run = await app.runOrchestration('processOrder', {
            input: order,
            activities: { reserveItem, shipOrder: () => 'TRACK-1' },
            events: [{ name: 'approval', data: { approved: true, by: 'ana' }, after: { days: 2 } }],
        });
        expect(run).toHaveCompleted({ status: 'shipped', trackingId: 'TRACK-1', approvedBy: 'ana' });
        expect(run.episodes[0].scheduled.map((work) => work.kind === 'activity' && work.input)).toEqual([
            'apple',
            'pear',
        ]);
        expect(run.activityCalls.find((call) => call.name === 'shipOrder')?.input).toEqual({
            orderId: 'o-42',
            reservations: [
                { sku: 'apple', reservationId: 'r1' },
                { sku: 'pear', reservationId: 'r2' },
            ],
        });
    });

    it('releases the reservations when no approval comes within 7 days (virtual time: no waiting)', async () => {
        const run = await app.runOrchestration('processOrder', {
            input: order,
            activities: { reserveItem },
            startTime: new Date('2030-03-01T00:00:00Z'),
        });
        expect(run).toHaveCompleted({ status: 'expired', at: '2030-03-08T00:00:00.000Z' });
        expect(run.activityCalls.filter((call) => call.name === 'releaseItem').map((call) => call.input)).toEqual([
            { sku: 'apple', reservationId: 'r1' },
            { sku: 'pear', reservationId: 'r2' },
        ]);
    });

    it('waits, step by step: still awaiting approval after 6 days, rejected when told so', async () => {
        const run = await app.startOrchestration('processOrder', { input: order, activities: { reserveItem } });
        expect((await run.advanceTime({ days: 6 })).customStatus).toEqual({ step: 'awaiting approval', reserved: 2 });
        const done = await run.raiseEvent('approval', { approved: false, by: 'bo' });
        expect(done.runtimeStatus).toBe('Completed');
        expect(done.output).toMatchObject({ status: 'rejected' });
        expect(done.activityCalls.map((call) => call.name)).toEqual([
            'reserveItem',
            'reserveItem',
            'releaseItem',
            'releaseItem',
        ]);
    });
});
