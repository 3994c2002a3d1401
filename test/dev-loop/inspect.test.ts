import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cdp } from '../support/cdp';
import { httpJson, pollStatus, REPO_ROOT, startLocalHost, type LocalHost } from '../support/localHost';
import { generatedPositionFor, type RawSourceMap } from '../support/sourceMap';

/**
 * `npm start -- --inspect`: the inspector is the worker's (the process the app runs in). A debugger
 * sets a breakpoint in a TypeScript source of the app (the fixture test/apps/workflow) the way an editor
 * does (through the source map of the bundle the worker runs) and the activity stops there, while the
 * host keeps answering.
 */
const APP = 'test/apps/workflow';
const SOURCE = 'src/functions/orders.ts';
let host: LocalHost;
let cdp: Cdp;

beforeAll(async () => {
    host = await startLocalHost({ app: path.join(REPO_ROOT, APP), args: ['--inspect=0'] });
    const url = /Debugger: (ws:\/\/\S+)/.exec(host.output())?.[1];
    if (!url) throw new Error(`The host printed no debugger URL:\n${host.output()}`);
    cdp = await Cdp.connect(url);
});
afterAll(async () => {
    cdp?.close();
    await host?.stop();
});

interface ScriptParsed {
    scriptId: string;
    url: string;
    sourceMapURL?: string;
}

it("stops at a breakpoint in the app's .ts with the activity's input in scope while the starter, the status URL and the dashboard answer; then the orchestration completes", async () => {
    const scripts: ScriptParsed[] = [];
    cdp.on((method, params) => {
        if (method === 'Debugger.scriptParsed') scripts.push(params as unknown as ScriptParsed);
    });
    await cdp.send('Debugger.enable');
    // The editor's part: find the script whose source map has the source and map the line to it.
    const withMaps = scripts.filter((s) => s.sourceMapURL && s.url.startsWith('file://'));
    const mapped = withMaps
        .map((script) => ({
            script,
            map: JSON.parse(
                readFileSync(fileURLToPath(new URL(script.sourceMapURL!, script.url)), 'utf8'),
            ) as RawSourceMap,
        }))
        .find(({ map }) => map.sources.some((s) => s.endsWith(SOURCE)));
    if (!mapped)
        throw new Error(
            `No loaded script has a source map with ${SOURCE}; scripts with maps: ${withMaps.map((s) => s.url).join(', ')}`,
        );
    expect(path.basename(fileURLToPath(mapped.script.url))).toBe('app.js');
    const sourceLine = readFileSync(path.join(REPO_ROOT, APP, SOURCE), 'utf8')
        .split('\n')
        .findIndex((line) => line.includes('return `charged ${order.id}`'));
    const position = generatedPositionFor(mapped.map, SOURCE, sourceLine);
    const { breakpointId } = await cdp.send<{ breakpointId: string }>('Debugger.setBreakpointByUrl', {
        url: mapped.script.url,
        ...position,
    });

    const paused = cdp.waitFor('Debugger.paused', 10000);
    const started = httpJson('POST', `${host.url}/v1/workflows/processOrder`, { id: 'o-7', items: 1 });
    const { callFrames } = (await paused) as {
        callFrames: { callFrameId: string; location: { scriptId: string; lineNumber: number } }[];
    };
    expect(callFrames[0].location).toMatchObject({ scriptId: mapped.script.scriptId, lineNumber: position.lineNumber });
    // The worker sits at the breakpoint; the host is another process and goes on serving.
    const accepted = await started;
    expect(accepted.status).toBe(202);
    const statusWhilePaused = await httpJson('GET', accepted.body.statusQueryGetUri);
    // 202 + Running: the status API's answer for an instance still running (as the extension's HttpApiHandler).
    expect(statusWhilePaused).toMatchObject({ status: 202, body: { runtimeStatus: 'Running' } });
    const dashboard = await fetch(`${host.url}/runtime/webhooks/durabletask/dashboard/`);
    expect(dashboard.status).toBe(200);
    const order = await cdp.send<{ result: { value: unknown } }>('Debugger.evaluateOnCallFrame', {
        callFrameId: callFrames[0].callFrameId,
        expression: 'order.id',
    });
    expect(order.result.value).toBe('o-7');

    await cdp.send('Debugger.removeBreakpoint', { breakpointId });
    await cdp.send('Debugger.resume');
    const status = await pollStatus(accepted.body.statusQueryGetUri);
    expect(status).toMatchObject({
        runtimeStatus: 'Completed',
        output: { reservation: { reserved: 1, id: 'o-7' }, receipt: 'charged o-7' },
    });
});
