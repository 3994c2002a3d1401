import { createServer, type AddressInfo, type Server } from 'node:net';
import { startLocalHost } from '../support/localHost';

let holder: Server;
beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise((resolve) => holder.close(resolve)));

describe('a port another process holds', () => {
    it('stops the host with the port in the message and the --port to use instead (not a bare EADDRINUSE)', async () => {
        const { port } = holder.address() as AddressInfo;
        const error = await startLocalHost({ app: 'test/kit/fixture-app', args: ['--port', String(port)], timeoutMs: 60_000 }).then(
            () => new Error('the host started on a port in use'),
            (err: Error) => err,
        );
        expect(error.message).toMatch(/local host exited with 1 before listening/);
        expect(error.message).toContain(
            `local-host: Port ${port} on 127.0.0.1 is already in use by another process. Stop it (another \`npm start\` or \`func start\`?), or use another port: npm start -- --port ${port + 1} (--port 0 takes any free port).`,
        );
        expect(error.message).not.toMatch(/EADDRINUSE|\n\s+at /);
    });
});
