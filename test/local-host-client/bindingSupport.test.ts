import { bindingSupport } from '../../tools/local-host/app-loading/bindingSupport';
import { AppHarness } from '../support/appHarness';

const mockHarness = new AppHarness();
jest.mock('@azure/functions-core', () => mockHarness.core.api, { virtual: true });

require('../apps/glob-main/dist/functions/greet.js');
require('../apps/glob-main/dist/functions/notify.js');
require('../apps/entity-counter/index.js');

describe('bindingSupport', () => {
    it('serves HTTP, timer and Durable functions and names what it cannot serve, with the reason', () => {
        const { served, notServed } = bindingSupport(mockHarness.core);
        expect(served.sort()).toEqual([
            'counter',
            'counterClient',
            'counterOrchestration',
            'failingCallOrchestration',
            'ghostCallOrchestration',
            'greet',
            'startCounter',
        ]);
        expect(notServed).toEqual([
            {
                functionName: 'orderQueued',
                reason: expect.stringMatching(
                    /^trigger binding 'serviceBusTrigger' is not available locally \(Service Bus/,
                ),
            },
            {
                functionName: 'textCustomer',
                reason: expect.stringMatching(/^output binding 'twilioSms' is not available locally \(Twilio/),
            },
        ]);
    });
});
