import { startLocalHost } from '../support/localHost';

describe('one host per data directory', () => {
    it('refuses a second host on the same --data, saying what to do, and takes the directory over after a kill -9', async () => {
        const first = await startLocalHost({});
        try {
            await expect(startLocalHost({ data: first.data })).rejects.toThrow(
                new RegExp(`Another local host \\(pid ${first.process.pid}\\) is using the data directory .*Stop it, or give this one its own state with --data <dir>`),
            );
            expect(first.process.exitCode).toBeNull();
        } finally {
            await first.kill9();
        }
        const second = await startLocalHost({ data: first.data });
        await second.stop();
    });
});
