import { statusJson } from '../../tools/local-host/durable-api/statusJson';
import { executionStarted } from '../../tools/local-host/engine/inbox';
import type { InstanceRecord } from '../../tools/local-host/model/instance';

const at = new Date(Date.UTC(2025, 0, 1, 12, 0, 0));
const record = (version: string | undefined, where: 'history' | 'inbox'): InstanceRecord => {
    const started = executionStarted(at, 'orchestrator', 'abc', '"x"', undefined, version);
    return {
        instanceId: 'abc',
        name: 'orchestrator',
        executionId: 'e1',
        runtimeStatus: where === 'inbox' ? 'Pending' : 'Running',
        input: '"x"',
        createdTime: at.toISOString(),
        lastUpdatedTime: at.toISOString(),
        // As Engine.start keeps it: the version it was started with, none when empty.
        version: version || undefined,
        history: where === 'history' ? [started] : [],
        inbox: where === 'inbox' ? [started] : [],
    };
};

describe('status JSON: the orchestration version', () => {
    it('carries the version the instance was started with, also while it is Pending', () => {
        expect(statusJson(record('2.0', 'history'))).toMatchObject({ instanceId: 'abc', version: '2.0' });
        expect(statusJson(record('2.0', 'inbox'))).toMatchObject({ runtimeStatus: 'Pending', version: '2.0' });
    });

    it('omits `version` for an instance started without one', () => {
        expect(statusJson(record(undefined, 'history'))).not.toHaveProperty('version');
        expect(statusJson(record('', 'history'))).not.toHaveProperty('version');
    });

    it('keeps the version out of the showHistory events, as the extension removes it', () => {
        const body = statusJson(record('2.0', 'history'), { showHistory: true });
        expect(body.historyEvents).toEqual([
            expect.objectContaining({ EventType: 'ExecutionStarted', FunctionName: 'orchestrator' }),
        ]);
        expect((body.historyEvents as Record<string, unknown>[])[0]).not.toHaveProperty('Version');
    });
});
