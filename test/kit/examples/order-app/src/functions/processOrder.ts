import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import type { Reservation } from './orderActivities';

export interface Order {
    orderId: string;
    skus: string[];
}

export interface Approval {
    approved: boolean;
    by: string;
}

export const APPROVAL_WINDOW_DAYS = 7;

/**
 * Reserves every item at once (fan-out), then waits for an approval for up to 7 days: approved, it
 * ships; rejected or not answered in time, it releases the reservations.
 */
export const processOrder: OrchestrationHandler = function* (context: OrchestrationContext) {
    const order = context.df.getInput<Order>();
    const reservations: Reservation[] = yield context.df.Task.all(
        order.skus.map((sku) => context.df.callActivity('reserveItem', sku)),
    );
    context.df.setCustomStatus({ step: 'awaiting approval', reserved: reservations.length });

    const deadline = new Date(context.df.currentUtcDateTime.getTime() + APPROVAL_WINDOW_DAYS * 86_400_000);
    const timeout = context.df.createTimer(deadline);
    const approval: Task = context.df.waitForExternalEvent('approval');
    const winner: Task = yield context.df.Task.any([approval, timeout]);

    if (winner === approval && (approval.result as Approval).approved) {
        timeout.cancel();
        const trackingId: string = yield context.df.callActivity('shipOrder', { orderId: order.orderId, reservations });
        return { status: 'shipped', trackingId, approvedBy: (approval.result as Approval).by };
    }
    if (winner === approval) timeout.cancel();
    yield context.df.Task.all(reservations.map((reservation) => context.df.callActivity('releaseItem', reservation)));
    return { status: winner === approval ? 'rejected' : 'expired', at: context.df.currentUtcDateTime.toISOString() };
};

df.app.orchestration('processOrder', processOrder);
