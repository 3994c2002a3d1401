import { runEpisode } from '../local-host/engine/episode';
import { EventType, type HistoryEvent } from '../local-host/model/history';
import { NonDeterministicOrchestrationError } from '../local-host/engine/replayShim';
import { checkVersion, describeAction, type VersioningSettings } from '../local-host/engine/versioning';
import type { InstanceRecord } from '../local-host/store/store';
import type { AppFunctions } from '../local-host/worker-channel/appFunctions';
import { describeWork, stepOf } from './describe';
import { versionOf, type RecordedInstance } from './instances';

export type Verdict =
    | { verdict: 'compatible'; notes: string[] }
    | { verdict: 'breaks'; step?: number; reason: string }
    | { verdict: 'protected'; action: 'Reject' | 'Fail'; reason: string };

export type InstanceReport = Verdict & {
    instanceId: string;
    name: string;
    runtimeStatus: string;
    version?: string;
    source: string;
};

/** The new build: its functions (in this process) and its host.json versioning settings. */
export interface ReplayTarget {
    functions: AppFunctions;
    versioning?: VersioningSettings;
}

/**
 * Replays one instance's history against the new build, as the next episode on Azure will: first the
 * worker's version check (DurableTask.Core's, engine/versioning.ts), then the orchestrator over the whole
 * history with durable-functions' own replay, its actions matched against history by the local host's
 * replay shim (DurableTask.Core's non-determinism checks: same kind of work and name at each sequence number).
 */
export async function replayInstance(target: ReplayTarget, instance: RecordedInstance): Promise<InstanceReport> {
    const version = versionOf(instance.history);
    const base = {
        instanceId: instance.instanceId,
        name: instance.name,
        runtimeStatus: instance.runtimeStatus,
        version,
        source: instance.source,
    };
    return { ...base, ...(await verdictFor(target, instance, version)) };
}

async function verdictFor(
    target: ReplayTarget,
    instance: RecordedInstance,
    version: string | undefined,
): Promise<Verdict> {
    if (target.versioning) {
        const check = checkVersion(target.versioning, version);
        if (!check.ok) return { verdict: 'protected', action: check.action, reason: describeAction(check) };
    }
    const registration = target.functions.registrations.get(instance.name);
    if (registration?.trigger.type !== 'orchestrationTrigger') {
        return {
            verdict: 'breaks',
            reason: `the new build has no orchestrator named '${instance.name}': its next episode fails`,
        };
    }
    const started = instance.history.find((e) => e.EventType === EventType.ExecutionStarted);
    if (!started || !instance.history.some((e) => e.EventType === EventType.OrchestratorStarted)) {
        return { verdict: 'compatible', notes: ['not started yet: it runs the new code from its first step'] };
    }
    const record: InstanceRecord = {
        instanceId: instance.instanceId,
        name: instance.name,
        executionId: `replay-check-${instance.instanceId}`,
        runtimeStatus: instance.runtimeStatus,
        input: (started.Input as string | undefined | null) ?? undefined,
        createdTime: started.Timestamp,
        lastUpdatedTime: started.Timestamp,
        history: instance.history.map((e: HistoryEvent) => ({ ...e })),
        inbox: [],
    };
    try {
        const result = await runEpisode(target.functions, record, []);
        if (result.kind === 'failed') return failed(result.error);
        const notes = [...result.shim.replayDifferences];
        if (result.shim.newEvents.length > 0)
            notes.push(
                `resumes with work the old code had not scheduled: ${result.shim.newEvents.map(describeWork).join(', ')}`,
            );
        if (result.kind === 'completed') notes.push('the new code completes it on replay');
        return { verdict: 'compatible', notes };
    } finally {
        target.functions.endEpisodes(instance.instanceId);
    }
}

function failed(error: Error): Verdict {
    if (error instanceof NonDeterministicOrchestrationError && error.divergence) {
        const { sequenceNumber, history, replayed } = error.divergence;
        const now = replayed
            ? `the new code schedules ${describeWork(replayed)}`
            : 'the new code schedules nothing there';
        return {
            verdict: 'breaks',
            step: stepOf(sequenceNumber),
            reason: `history schedules ${describeWork(history)} as step ${stepOf(sequenceNumber)}; ${now}`,
        };
    }
    return { verdict: 'breaks', reason: `the new code fails on replay: ${error.message}` };
}

/** Checks every instance, one at a time (durable-functions' replay is synchronous CPU work). */
export async function replayAll(target: ReplayTarget, instances: RecordedInstance[]): Promise<InstanceReport[]> {
    const reports: InstanceReport[] = [];
    for (const instance of instances) reports.push(await replayInstance(target, instance));
    return reports;
}
