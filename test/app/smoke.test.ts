import * as path from 'node:path';
import { loadTestApp, type TestApp } from '../../tools/testing';
import { readSmokeSpec } from '../../tools/smoke/spec';

/**
 * The post-deploy smoke check (app/smoke.json) must hold for the app as it is: run it here, with the real activities.
 */
const spec = readSmokeSpec(path.join(__dirname, '..', '..', 'app'));

let app: TestApp;
beforeAll(async () => {
    app = await loadTestApp('app');
});
afterAll(() => app.close());

describe("the app's smoke check", () => {
    it('names an orchestrator of the app', () => {
        expect(app.functionNames('orchestrationTrigger')).toContain(spec.orchestrator);
    });

    it('completes, with its input, with exactly the output smoke.json expects', async () => {
        const run = await app.runOrchestration(spec.orchestrator, { input: spec.input });
        expect(run.runtimeStatus).toBe('Completed');
        expect(run.output).toEqual(spec.expectedOutput);
    });
});
