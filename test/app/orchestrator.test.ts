import { loadTestApp, type TestApp } from '../../tools/testing';

let app: TestApp;
beforeAll(async () => {
    app = await loadTestApp('app');
});
afterAll(() => app.close());

const hello = (city: string) => ({ kind: 'activity', name: 'hello', input: city });

describe('hello_orchestrator', () => {
    it('is registered with an orchestration trigger', () => {
        expect(app.functionNames('orchestrationTrigger')).toContain('hello_orchestrator');
    });

    it('schedules hello("Seattle") first, then each city only after the previous one answered', async () => {
        const run = await app.runOrchestration('hello_orchestrator');
        expect(run.episodes.map((episode) => episode.scheduled)).toEqual([
            [hello('Seattle')],
            [hello('Tokyo')],
            [hello('London')],
            [],
        ]);
    });

    it('completes with the exact greetings from the real hello activity', async () => {
        const run = await app.runOrchestration('hello_orchestrator');
        expect(run.output).toEqual(['Hello Seattle', 'Hello Tokyo', 'Hello London']);
        expect(run.runtimeStatus).toBe('Completed');
    });

    it('fails the orchestration with the activity failure message', async () => {
        const run = await app.runOrchestration('hello_orchestrator', {
            activities: {
                hello: (city: string) => {
                    if (city === 'Tokyo') throw new Error('Tokyo is unreachable');
                    return `Hello ${city}`;
                },
            },
        });
        expect(run.runtimeStatus).toBe('Failed');
        expect(run.output).toMatch(/Tokyo is unreachable/);
        expect(run.activityCalls.map((call) => call.input)).toEqual(['Seattle', 'Tokyo']);
    });
});
