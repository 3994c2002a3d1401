import { createHash } from 'node:crypto';
import { ActionType, type ActionNode, type ActionNodeRegistry, type OrchestratorAction } from '../actionNodes';
import type { Engine } from '../engine';
import { EventType, historyEvent, type HistoryEvent } from '../../model/history';
import { isTerminal, type InstanceRecord } from '../../store/store';
import type { LogSink } from '../../worker-process/functionsCore';
import { findEntityFunction } from './batch';
import { isEntityInstanceId, parseSchedulerId } from './entityId';
import { EntityScheduler, type ResponseDelivery } from './entityScheduler';
import type { EntityRequest } from './messages';

/**
 * A request id that every replay of the same orchestration step computes alike: the library
 * re-keys a callEntity task by the id in EventSent.Input, and the entity answers under that id.
 */
export function requestIdFor(instanceId: string, scheduledAt: Date, sequence: number): string {
    const hex = createHash('sha256').update(`${instanceId}\n${scheduledAt.toISOString()}\n${sequence}`).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function entityNode(action: OrchestratorAction, signal: boolean, entityExists: (name: string) => boolean): ActionNode {
    const target = String(action.instanceId ?? '');
    const operation = String(action.operation ?? '');
    return (shim, done) => {
        if (!isEntityInstanceId(target)) throw new Error(`"${target}" is not an entity id ("@name@key").`);
        const entity = parseSchedulerId(target);
        if (!entityExists(entity.name)) {
            // What the extension's out-of-proc shim throws for an unknown entity: the orchestration fails.
            throw new Error(`The function '${entity.name}' doesn't exist, is disabled, or is not an entity function.`);
        }
        const id = shim.schedule(
            (sequence, now) => {
                const request: Omit<EntityRequest, 'parentExecution'> = {
                    id: requestIdFor(shim.instanceId, now, sequence),
                    op: operation,
                    signal,
                    parent: shim.instanceId,
                    timestamp: now.toISOString(),
                    ...(action.input === undefined ? {} : { input: JSON.stringify(action.input) }),
                };
                return historyEvent(
                    EventType.EventSent,
                    now,
                    { InstanceId: target, Name: signal ? 'op' : operation, Input: JSON.stringify(request) },
                    sequence,
                );
            },
            () => undefined,
        );
        if (signal) return done(true);
        shim.waitForEvent(requestIdFor(shim.instanceId, shim.now, id), () => done(true));
    };
}

/** Teaches the replay shim the CallEntity and SignalEntity actions. */
export function registerEntityActions(registry: ActionNodeRegistry, entityExists: (name: string) => boolean): void {
    registry.register(ActionType.CallEntity, (action) => entityNode(action, false, entityExists));
    registry.register(ActionType.SignalEntity, (action) => entityNode(action, true, entityExists));
}

function requestFrom(
    record: InstanceRecord,
    sent: HistoryEvent,
): { target: ReturnType<typeof parseSchedulerId>; request: EntityRequest } | undefined {
    if (!isEntityInstanceId(String(sent.InstanceId ?? ''))) return undefined;
    const request = JSON.parse(String(sent.Input)) as EntityRequest;
    return {
        target: parseSchedulerId(String(sent.InstanceId)),
        request: { ...request, parentExecution: record.executionId },
    };
}

function answered(record: InstanceRecord, requestId: string): boolean {
    return [...record.history, ...record.inbox].some(
        (e) => e.EventType === EventType.EventRaised && e.Name === requestId,
    );
}

/**
 * Connects orchestrations and entities: EventSent work goes to the entity scheduler, entity
 * responses come back as EventRaised named by the request id (once, even if delivered twice).
 */
export function connectEntities(engine: Engine, entities: EntityScheduler): void {
    engine.workHandlers.set(EventType.EventSent, (_host, record, sent) => {
        const message = requestFrom(record, sent);
        if (message) entities.enqueue(message.target, message.request);
    });
}

/** Resolves once the answer is committed in the caller's inbox: only then does the entity clear its outbox. */
export function responseDelivery(engine: Engine): (delivery: ResponseDelivery) => Promise<void> {
    return ({ parent, parentExecution, requestId, response }) => {
        const record = engine.get(parent);
        if (!record) throw new Error(`the calling orchestration '${parent}' no longer exists`);
        if (answered(record, requestId)) return Promise.resolve();
        return engine.deliver(
            parent,
            parentExecution ?? record.executionId,
            historyEvent(EventType.EventRaised, engine.now(), { Name: requestId, Input: JSON.stringify(response) }),
        );
    };
}

/**
 * After a restart: re-sends entity calls still waiting for their answer, in case the hand-over was
 * cut off (an entity drops a request id it already has). Signals are handed over in the same tick
 * their EventSent is committed, so they are not re-sent.
 */
export function resendUnansweredRequests(engine: Engine, entities: EntityScheduler): number {
    let resent = 0;
    for (const record of engine.list()) {
        if (isTerminal(record)) continue;
        for (const sent of record.history.filter((e) => e.EventType === EventType.EventSent)) {
            const message = requestFrom(record, sent);
            if (!message || message.request.signal || answered(record, message.request.id)) continue;
            entities.enqueue(message.target, message.request);
            resent++;
        }
    }
    return resent;
}

/**
 * Wires entities into an engine: actions, work hand-over and responses. Call `recoverEntities` after
 * `engine.recover()`.
 */
export function attachEntities(engine: Engine, log?: LogSink): EntityScheduler {
    registerEntityActions(engine.actionNodes, (name) => findEntityFunction(engine.functions, name) !== undefined);
    const entities = new EntityScheduler({
        functions: engine.functions,
        store: engine.store.entities,
        deliverResponse: responseDelivery(engine),
        log,
        now: engine.now,
    });
    connectEntities(engine, entities);
    return entities;
}

export function recoverEntities(engine: Engine, entities: EntityScheduler): void {
    entities.recover();
    resendUnansweredRequests(engine, entities);
}
