import { startLocalHost } from '../support/localHost';

describe('one host per data directory', () => {
    it('refuses a second host on the same --data, saying what to do, and takes the directory over right after a kill -9', async () => {
        const first = await startLocalHost({});
        try {
            await expect(startLocalHost({ data: first.data })).rejects.toThrow(
                new RegExp(
                    `Another local host \\(pid ${first.process.pid}\\) is using the data directory .*Stop it, or give this one its own state with --data <dir>`,
                ),
            );
            expect(first.process.exitCode).toBeNull();
        } finally {
            // Not waiting for the process to be gone: a supervisor restarts at once, while the old pid may still be a
            // zombie.
            first.process.kill('SIGKILL');
        }
        const second = await startLocalHost({ data: first.data });
        expect(second.output()).toMatch(/Host listening/);
        await second.stop();
    });
});
