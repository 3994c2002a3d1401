import { EventType, failureFields, historyEvent, type HistoryEvent } from '../model/history';
import { isTerminal, type InstanceRecord } from '../model/instance';
import type { Engine } from './engine';
import { parentDelivery } from './parentDelivery';

type ParentLink = NonNullable<InstanceRecord['parent']>;
type SubOrchestrationHost = Pick<
    Engine,
    'get' | 'now' | 'delivery' | 'deliver' | 'store' | 'log' | 'start' | 'defaultVersion'
>;

/**
 * Starts the child a SubOrchestrationInstanceCreated asks for. A child already linked to that task (the parent's
 * episode ran again after a restart) is not started twice: if it has ended, the parent is told again. A child that
 * cannot start fails the parent's task.
 */
export function startSubOrchestration(host: SubOrchestrationHost, parent: InstanceRecord, created: HistoryEvent): void {
    const childId = String(created.InstanceId);
    const link = { instanceId: parent.instanceId, taskId: created.EventId, executionId: parent.executionId };
    const child = host.get(childId);
    if (child && isSameLink(child.parent, link)) {
        const delivery = isTerminal(child) ? parentDelivery(host, child) : undefined;
        if (delivery)
            void host.store
                .step(delivery.write, delivery.apply)
                .catch((err: Error) => host.log(`Could not notify ${parent.instanceId}: ${err.message}`));
        return;
    }
    const version = (created.Version as string | undefined) ?? host.defaultVersion;
    host.start(String(created.Name), created.Input as string | undefined, childId, link, version).catch(
        (err: Error) => {
            const failure = { TaskScheduledId: created.EventId, ...failureFields(err) };
            const failed = historyEvent(EventType.SubOrchestrationInstanceFailed, host.now(), failure);
            void host.deliver(parent.instanceId, parent.executionId, failed);
        },
    );
}

function isSameLink(a: ParentLink | undefined, b: ParentLink): boolean {
    return a?.instanceId === b.instanceId && a.taskId === b.taskId && a.executionId === b.executionId;
}
