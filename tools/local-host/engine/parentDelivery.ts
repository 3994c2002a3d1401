import { EventType, failureFields, historyEvent } from '../model/history';
import type { InstanceRecord } from '../model/instance';
import type { Delivery } from './engine';
import type { EpisodeHost } from './episodeLoop';

type Child = Pick<InstanceRecord, 'parent' | 'runtimeStatus' | 'output' | 'name' | 'instanceId'>;

/**
 * The message that tells a finished sub-orchestration's parent how it ended (SubOrchestrationInstanceCompleted or
 * ...Failed), written in the child's last step; undefined when there is no parent to tell.
 */
export function parentDelivery(
    host: Pick<EpisodeHost, 'get' | 'now' | 'delivery'>,
    child: Child,
): Delivery | undefined {
    const link = child.parent;
    const parent = link && host.get(link.instanceId);
    if (!link || !parent) return undefined;
    const at = host.now();
    const taskScheduledId = { TaskScheduledId: link.taskId };
    const event =
        child.runtimeStatus === 'Completed'
            ? historyEvent(EventType.SubOrchestrationInstanceCompleted, at, {
                  ...taskScheduledId,
                  Result: child.output,
              })
            : historyEvent(EventType.SubOrchestrationInstanceFailed, at, {
                  ...taskScheduledId,
                  ...failureFields(subOrchestrationFailure(child)),
              });
    return host.delivery(parent.instanceId, link.executionId ?? parent.executionId, event);
}

function subOrchestrationFailure(child: Child): Error {
    const output = child.output ? JSON.parse(child.output) : '';
    return new Error(
        `Sub-orchestration '${child.name}' (${child.instanceId}) ${child.runtimeStatus.toLowerCase()}: ${output}`,
    );
}
