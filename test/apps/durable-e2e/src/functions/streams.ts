import { app } from '@azure/functions';
import { Readable } from 'node:stream';

const MB = 1024 * 1024;
/** Per test run: how far each upload has got, and downloads waiting to be let go. */
const received = new Map<string, number>();
const releases = new Map<string, () => void>();

/** POST /api/upload?run=<id>: counts the body as it arrives (GET /api/progress shows the count meanwhile). */
app.http('Upload', {
    route: 'upload',
    methods: ['POST'],
    handler: async (request) => {
        const run = request.params.run;
        let bytes = 0;
        for await (const chunk of request.body ?? []) {
            bytes += chunk.length;
            received.set(run, bytes);
        }
        return { body: `Bytes received: ${bytes}` };
    },
});

app.http('Progress', {
    route: 'progress',
    methods: ['GET'],
    handler: async (request) => ({ jsonBody: { bytes: received.get(request.params.run) ?? 0 } }),
});

/**
 * GET /api/download?run=<id>&mb=<n>: sends 1 MB, waits until POST /api/release?run=<id>, then the
 * rest: the client sees the first megabyte while the function is still running.
 */
app.http('Download', {
    route: 'download',
    methods: ['GET'],
    handler: async (request) => {
        const run = request.params.run;
        const total = Number(request.params.mb) * MB;
        const released = new Promise<void>((resolve) => releases.set(run, resolve));
        async function* body(): AsyncGenerator<Buffer> {
            yield Buffer.alloc(MB, 1);
            await released;
            for (let sent = MB; sent < total; sent += MB) yield Buffer.alloc(Math.min(MB, total - sent), 2);
        }
        return {
            body: Readable.toWeb(Readable.from(body())) as ReadableStream,
            headers: { 'Content-Type': 'application/octet-stream' },
        };
    },
});

app.http('Release', {
    route: 'release',
    methods: ['POST'],
    handler: async (request) => {
        const release = releases.get(request.params.run);
        releases.delete(request.params.run);
        release?.();
        return { status: release ? 200 : 404 };
    },
});
