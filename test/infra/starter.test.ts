import { readFunctionKey } from '../../infra/starter';

function retry() {
    const slept: number[] = [];
    return { slept, policy: { attempts: 4, delayMs: 1_000, sleep: async (ms: number) => void slept.push(ms) } };
}

describe("reading the starter function's key after a deployment", () => {
    it('retries while the host is starting (an error, then no key yet) and returns the key', async () => {
        const keys = (properties: Record<string, string>) => ({
            id: 'keys',
            name: 'startWorkflow',
            type: 'Microsoft.Web/sites/functions/keys',
            properties,
        });
        const answers = [
            () => Promise.reject(new Error('Encountered an error (ServiceUnavailable) from host runtime.')),
            () => Promise.resolve(keys({})),
            () => Promise.resolve(keys({ default: 'k3y' })),
        ];
        const { slept, policy } = retry();
        await expect(readFunctionKey('startWorkflow', () => answers.shift()!(), policy)).resolves.toBe('k3y');
        expect(slept).toEqual([1_000, 2_000]);
    });

    it('gives up after the bounded attempts, saying what failed last and what to do', async () => {
        const { slept, policy } = retry();
        await expect(
            readFunctionKey('startWorkflow', () => Promise.reject(new Error('BadRequest')), policy),
        ).rejects.toThrow(
            /key of the function startWorkflow after 4 attempts \(last: BadRequest\).*run `pulumi up` again/,
        );
        expect(slept).toEqual([1_000, 2_000, 3_000]);
    });
});
