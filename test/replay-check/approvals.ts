import type { InstanceRecord } from '../../tools/local-host/store/store';
import { loadTestApp } from '../../tools/testing';
import type { RecordedInstance } from '../../tools/replay-check/instances';

export const APPS = 'test/replay-check/apps';
export const V1 = `${APPS}/approval-v1`;
export const V2 = `${APPS}/approval-v2`;
export const V2_VERSIONED = `${APPS}/approval-v2-versioned`;

/** Runs approvals on an app in the kit until each waits for its Approval event; returns their histories. */
export async function waitingApprovals(
    appDir: string,
    titles: string[],
    version?: string,
): Promise<RecordedInstance[]> {
    const app = await loadTestApp(appDir);
    try {
        const recorded: RecordedInstance[] = [];
        for (const [i, title] of titles.entries()) {
            const run = await app.startOrchestration('approval', {
                input: title,
                instanceId: `approval-${version ?? 'none'}-${i + 1}`,
                version,
            });
            recorded.push({ ...run.recordedHistory(), source: 'test' });
        }
        return recorded;
    } finally {
        await app.close();
    }
}

/** The instance as the local host's store keeps it. */
export function asRecord(instance: RecordedInstance): InstanceRecord {
    const started = instance.history[0];
    return {
        instanceId: instance.instanceId,
        name: instance.name,
        executionId: 'e1',
        runtimeStatus: instance.runtimeStatus,
        input: started.Input as string,
        createdTime: started.Timestamp,
        lastUpdatedTime: started.Timestamp,
        history: instance.history,
        inbox: [],
    };
}
