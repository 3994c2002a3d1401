import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';

interface Order {
    id: string;
    items: number;
}

df.app.activity('reserveStock', { handler: (order: Order) => ({ reserved: order.items, id: order.id }) });
// A block body gives the return its own line: the dev-loop tests stop there and edit it.
df.app.activity('chargeCard', {
    handler: (order: Order) => {
        return `charged ${order.id}`;
    },
});

df.app.orchestration('processOrder', function* (context: OrchestrationContext) {
    const order = context.df.getInput<Order>();
    const reservation: unknown = yield context.df.callActivity('reserveStock', order);
    const receipt: unknown = yield context.df.callActivity('chargeCard', order);
    return { reservation, receipt };
});

df.app.entity('stockLevel', (context) => {
    context.df.setState(((context.df.getState(() => 0) as number) ?? 0) + 1);
});
