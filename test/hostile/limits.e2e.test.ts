import * as path from 'node:path';
import { httpJson, pollStatus, startLocalHost, type LocalHost } from '../support/localHost';

/**
 * What Azure's Durable extension refuses, refused the same way: JSON nested deeper than Newtonsoft's
 * MaxDepth of 64, the instance ids and entity keys its DurableClient refuses. Both at the Durable HTTP
 * API and through the app's own durable client (which calls the same API). And ids come back as given.
 */
const APP = path.join(__dirname, '../apps/hostile');
let host: LocalHost;
const api = () => `${host.url}/runtime/webhooks/durabletask`;
const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const json = { 'content-type': 'application/json' };
const DEPTH_ERROR = "The reader's MaxDepth of 64 has been exceeded. Line 1, position 65.";

/** Runs one durable client call in the app (POST /api/client/{op}); 200 { result } or 400 { error }. */
const client = (op: string, body: Record<string, unknown>) => httpJson('POST', `${host.url}/api/client/${op}`, body);

beforeAll(async () => {
    host = await startLocalHost({ app: APP });
});
afterAll(async () => {
    await host?.stop();
});

describe('JSON nested deeper than Azure reads (Newtonsoft MaxDepth 64)', () => {
    it('starts an orchestration whose input nests 64 levels, and returns it unchanged', async () => {
        const started = await httpJson('POST', `${api()}/orchestrators/echoOrchestration/depth-64`, nested(64), json);
        expect(started.status).toBe(202);
        const done = await pollStatus(started.body.statusQueryGetUri);
        expect(done).toMatchObject({ runtimeStatus: 'Completed' });
        expect(JSON.stringify(done.output)).toBe(nested(64));
    });

    it.each([65, 2000, 200_000])(
        'refuses a start input nested %i levels with 400 "Invalid JSON content", and starts nothing',
        async (depth) => {
            const refused = await httpJson(
                'POST',
                `${api()}/orchestrators/echoOrchestration/depth-${depth}`,
                nested(depth),
                json,
            );
            expect(refused.status).toBe(400);
            expect(refused.body.error).toBe(
                `Invalid JSON content: ${DEPTH_ERROR} Azure's Durable extension reads JSON nested at most 64 levels deep: flatten the value or send it as a string.`,
            );
            expect((await httpJson('GET', `${api()}/instances/depth-${depth}`)).status).toBe(404);
        },
    );

    it('refuses event data and entity operation input nested 65 levels with 400, as HttpApiHandler does', async () => {
        const waiting = await httpJson('POST', `${api()}/orchestrators/waitForGo/deep-event`);
        expect(waiting.status).toBe(202);
        const event = await httpJson('POST', `${api()}/instances/deep-event/raiseEvent/go`, nested(65), json);
        expect(event.status).toBe(400);
        expect(event.body.error).toContain(`Invalid JSON content: ${DEPTH_ERROR}`);

        const signal = await httpJson('POST', `${api()}/entities/box/deep?op=set`, nested(65), json);
        expect(signal.status).toBe(400);
        expect(signal.body.error).toContain(`Could not parse JSON content: ${DEPTH_ERROR}`);

        // 64 levels pass both: the event completes the orchestration with its data.
        expect((await httpJson('POST', `${api()}/instances/deep-event/raiseEvent/go`, nested(64), json)).status).toBe(
            202,
        );
        const done = await pollStatus(`${api()}/instances/deep-event`);
        expect(JSON.stringify(done.output)).toBe(nested(64));
    });

    it("refuses the same through the app's durable client: startNew, raiseEvent and signalEntity reject with the 400", async () => {
        const deep = JSON.parse(nested(65));
        const started = await client('startNew', { name: 'echoOrchestration', id: 'client-deep', input: deep });
        expect(started.status).toBe(400);
        expect(started.body.error).toMatch(/unexpected status code: 400.*MaxDepth of 64 has been exceeded/);

        expect((await client('startNew', { name: 'waitForGo', id: 'client-waiter' })).body).toEqual({
            result: 'client-waiter',
        });
        const raised = await client('raiseEvent', { id: 'client-waiter', event: 'go', input: deep });
        expect(raised.status).toBe(400);
        expect(raised.body.error).toMatch(/400.*MaxDepth of 64/);

        const signalled = await client('signalEntity', { entity: 'box', key: 'client-deep', input: deep });
        expect(signalled.status).toBe(400);
        expect(signalled.body.error).toMatch(/400.*MaxDepth of 64/);
    });
});

describe('deep values built by app code (no HTTP API in between)', () => {
    it('fail the orchestration that cannot carry them, never the worker or the host; the next orchestration completes', async () => {
        const start = async (id: string, depth: number) =>
            (await httpJson('POST', `${api()}/orchestrators/deepChild/${id}`, String(depth), json)).body
                .statusQueryGetUri as string;
        const [shallow, deep, deeper] = await Promise.all([
            start('app-deep-1000', 1000),
            start('app-deep-3000', 3000),
            start('app-deep-20000', 20_000),
        ]);
        expect(await pollStatus(shallow)).toMatchObject({ runtimeStatus: 'Completed', output: 1000 });
        for (const url of [deep, deeper]) {
            const failed = await pollStatus(url);
            expect(failed.runtimeStatus).toBe('Failed');
            expect(failed.output).toMatch(/Maximum call stack size exceeded/);
        }
        expect(host.output()).not.toMatch(/Worker process \(pid \d+\) exited/);
        const after = await httpJson('POST', `${api()}/orchestrators/echoOrchestration/after-app-deep`, '7', json);
        expect(await pollStatus(after.body.statusQueryGetUri)).toMatchObject({ runtimeStatus: 'Completed', output: 7 });
    });
});

describe("instance ids as Azure's DurableClient takes them", () => {
    const tooLong = 'x'.repeat(257);
    it.each([
        ['@x', 'Orchestration instance ids must not start with @.'],
        ['a%2Fb', 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.'],
        ['a%5Cb', 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.'],
        ['a%23b', 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.'],
        ['a%3Fb', 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.'],
        ['a%01b', 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.'],
        ['a%C2%85b', 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.'],
        [tooLong, 'Instance ID lengths must not exceed 256 characters.'],
    ])("refuses to start %s with 400 and the client's ArgumentException", async (id, message) => {
        const refused = await httpJson('POST', `${api()}/orchestrators/echoOrchestration/${id}`);
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({
            error: message,
            Message: 'One or more of the arguments submitted is incorrect',
            ExceptionMessage: message,
            ExceptionType: 'System.ArgumentException',
        });
        expect((await httpJson('GET', `${api()}/instances/${id}`)).status).not.toBe(200);
    });

    it("refuses them through the app's durable client too", async () => {
        const refused = await client('startNew', { name: 'echoOrchestration', id: '@x', input: 1 });
        expect(refused.status).toBe(400);
        expect(refused.body.error).toMatch(
            /unexpected status code: 400.*Orchestration instance ids must not start with @\./,
        );
    });

    it('takes an id of exactly 256 characters', async () => {
        const id = 'y'.repeat(256);
        const started = await httpJson('POST', `${api()}/orchestrators/echoOrchestration/${id}`, '1', json);
        expect(started.status).toBe(202);
        expect(started.body.id).toBe(id);
        expect(await pollStatus(started.body.statusQueryGetUri)).toMatchObject({
            instanceId: id,
            runtimeStatus: 'Completed',
            output: 1,
        });
    });

    it('echoes a caller-chosen id as given in the 202, URL-encoded only inside the URLs', async () => {
        const id = 'order 42@contoso';
        const started = await httpJson(
            'POST',
            `${api()}/orchestrators/echoOrchestration/${encodeURIComponent(id)}`,
            '"x"',
            json,
        );
        expect(started.status).toBe(202);
        expect(started.body.id).toBe(id);
        expect(started.body.statusQueryGetUri).toContain('/instances/order%2042%40contoso?');
        expect(started.headers.get('location')).toBe(started.body.statusQueryGetUri);
        expect(await pollStatus(started.body.statusQueryGetUri)).toMatchObject({
            instanceId: id,
            runtimeStatus: 'Completed',
            output: 'x',
        });
    });

    it('keeps ids that differ only in case as two instances', async () => {
        const upper = await httpJson('POST', `${api()}/orchestrators/echoOrchestration/Abc`, '"upper"', json);
        const lower = await httpJson('POST', `${api()}/orchestrators/echoOrchestration/abc`, '"lower"', json);
        expect([upper.status, lower.status]).toEqual([202, 202]);
        expect(await pollStatus(`${api()}/instances/Abc`)).toMatchObject({ instanceId: 'Abc', output: 'upper' });
        expect(await pollStatus(`${api()}/instances/abc`)).toMatchObject({ instanceId: 'abc', output: 'lower' });
        const listed = await httpJson('GET', `${api()}/instances?instanceIdPrefix=`);
        const ids = (listed.body as { instanceId: string }[]).map((s) => s.instanceId);
        expect(ids).toEqual(expect.arrayContaining(['Abc', 'abc']));
    });
});

describe('no absolute paths in answers', () => {
    it("answers a failure the host did not foresee without the data directory's path (an entity key longer than a file name, on the file store)", async () => {
        const key = 'k'.repeat(300);
        const answer = await httpJson('POST', `${api()}/entities/box/${key}?op=set`, '1', json);
        expect(answer.text).not.toContain(host.data);
        expect(answer.text).not.toMatch(/\/tmp\/|\/home\//);
        if (answer.status >= 500)
            expect(answer.body.error).toMatch(
                /^The local host could not handle the request: .*\(details in the host's log\)$/,
            );
    });
});

describe('entity keys Azure refuses', () => {
    it.each(['a%2Fb', 'a%5Cb', 'a%23b', 'a%3Fb', 'a%07b'])(
        "answers 400 with the client's message for key %s, not 500",
        async (key) => {
            const refused = await httpJson('POST', `${api()}/entities/box/${key}?op=set`, '1', json);
            expect(refused.status).toBe(400);
            expect(refused.body.error).toBe('Entity keys must not contain /, \\, #, ?, or control characters.');
        },
    );

    it("refuses them through the app's durable client too (a control character: the library puts keys in the URL unencoded, so a # would start its fragment)", async () => {
        const refused = await client('signalEntity', { entity: 'box', key: 'a\u0007b', input: 1 });
        expect(refused.status).toBe(400);
        expect(refused.body.error).toMatch(/400.*Entity keys must not contain/);
    });
});
