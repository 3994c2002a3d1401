import * as df from 'durable-functions';

export interface Reservation {
    sku: string;
    reservationId: string;
}

// Stand-ins for calls to a warehouse and a carrier; tests replace them with stubs.
df.app.activity('reserveItem', {
    handler: async (sku: string): Promise<Reservation> => ({ sku, reservationId: `res-${sku}` }),
});
df.app.activity('releaseItem', {
    handler: async (reservation: Reservation): Promise<string> => reservation.reservationId,
});
df.app.activity('shipOrder', {
    handler: async ({ orderId }: { orderId: string }): Promise<string> => `track-${orderId}`,
});
