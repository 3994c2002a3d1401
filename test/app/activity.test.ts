import { AppHarness } from '../support/appHarness';

const mockHarness = new AppHarness();
jest.mock('@azure/functions-core', () => mockHarness.core.api, { virtual: true });

import { hello } from '../../app/src/functions/hello';

describe('hello activity', () => {
    it('greets the city exactly', async () => {
        await expect(hello('Seattle', {} as never)).resolves.toBe('Hello Seattle');
    });

    it('is registered as an activity trigger and returns the greeting through the worker protocol', async () => {
        const registration = mockHarness.core.registrations.get('hello');
        expect(registration?.trigger.type).toBe('activityTrigger');
        const result = await mockHarness.call('hello', {
            [mockHarness.triggerName('hello')]: { json: JSON.stringify('Tokyo') },
        });
        expect(result).toBe('Hello Tokyo');
    });
});
