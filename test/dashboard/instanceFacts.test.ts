import { instanceFacts } from '../../tools/local-host/dashboard/src/format';
import type { InstanceStatus } from '../../tools/local-host/dashboard/src/types';

const base: InstanceStatus = {
    name: 'versionedOrchestrator',
    instanceId: 'abc123',
    runtimeStatus: 'Completed',
    createdTime: '2025-01-01T12:00:00Z',
    lastUpdatedTime: '2025-01-01T12:00:05Z',
};

describe('dashboard instance summary', () => {
    it('shows the version the status answer carries, after the instance id', () => {
        const facts = instanceFacts({ ...base, version: '2.0' });
        expect(facts.map((f) => f.label)).toEqual(['Instance id', 'Version', 'Created', 'Last updated']);
        expect(facts[1]).toEqual({ label: 'Version', value: '2.0', mono: true });
        expect(facts[0]).toEqual({ label: 'Instance id', value: 'abc123', mono: true });
    });

    it('has no version row when the answer has none (started without a version, or an older extension)', () => {
        expect(instanceFacts(base).map((f) => f.label)).toEqual(['Instance id', 'Created', 'Last updated']);
        expect(instanceFacts({ ...base, version: '' }).map((f) => f.label)).not.toContain('Version');
    });
});
