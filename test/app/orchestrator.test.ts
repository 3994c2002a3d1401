import { AppHarness } from '../support/loadApp';
import {
    executionStarted,
    orchestratorCompleted,
    orchestratorStarted,
    taskCompleted,
    taskFailed,
    taskScheduled,
} from '../support/history';

const mockHarness = new AppHarness();
jest.mock('@azure/functions-core', () => mockHarness.core.api, { virtual: true });

import '../../app/src/functions/hello_orchestrator';

interface OrchestratorState {
    isDone: boolean;
    output?: unknown;
    actions: { actionType: number; functionName: string; input: unknown }[][];
}

async function replay(history: Record<string, unknown>[]): Promise<OrchestratorState> {
    const trigger = mockHarness.triggerName('hello_orchestrator');
    const binding = { history, input: undefined, instanceId: 'test-instance', isReplaying: false, parentInstanceId: '', upperSchemaVersion: 1 };
    return (await mockHarness.call('hello_orchestrator', { [trigger]: { json: JSON.stringify(binding) } })) as OrchestratorState;
}

const CALL_ACTIVITY = 0;

/** Activity inputs travel JSON-encoded inside the actions, as the extension receives them. */
function scheduledCities(state: OrchestratorState): unknown[] {
    return state.actions.flat().map((action) => JSON.parse(action.input as string));
}
const CITIES = ['Seattle', 'Tokyo', 'London'];

/** The history after `completed` activities have run, as the host replays it. */
function historyAfter(completed: number): Record<string, unknown>[] {
    const history = [orchestratorStarted(), executionStarted('hello_orchestrator')];
    for (let i = 0; i < completed; i++) {
        history.push(taskScheduled(i, 'hello', CITIES[i]), orchestratorCompleted(), orchestratorStarted(), taskCompleted(i, `Hello ${CITIES[i]}`));
    }
    return history;
}

describe('hello_orchestrator through the durable-functions replay', () => {
    it('is registered with an orchestration trigger', () => {
        expect(mockHarness.core.registrations.get('hello_orchestrator')?.trigger.type).toBe('orchestrationTrigger');
    });

    it('first episode schedules hello("Seattle") and is not done', async () => {
        const state = await replay(historyAfter(0));
        expect(state.isDone).toBe(false);
        expect(state.actions).toEqual([[expect.objectContaining({ actionType: CALL_ACTIVITY, functionName: 'hello' })]]);
        expect(scheduledCities(state)).toEqual(['Seattle']);
    });

    it('schedules the cities in order, one per episode', async () => {
        expect(scheduledCities(await replay(historyAfter(1)))).toEqual(['Seattle', 'Tokyo']);
        expect(scheduledCities(await replay(historyAfter(2)))).toEqual(['Seattle', 'Tokyo', 'London']);
    });

    it('is done with the exact output after three completions', async () => {
        const state = await replay(historyAfter(3));
        expect(state.isDone).toBe(true);
        expect(state.output).toEqual(['Hello Seattle', 'Hello Tokyo', 'Hello London']);
    });

    it('fails the orchestration with the activity failure message', async () => {
        const history = [...historyAfter(1), taskScheduled(1, 'hello', 'Tokyo'), orchestratorCompleted(), orchestratorStarted(), taskFailed(1, 'Tokyo is unreachable', 'stack')];
        await expect(replay(history)).rejects.toThrow(/Tokyo is unreachable/);
    });
});
