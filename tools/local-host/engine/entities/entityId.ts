/**
 * Entity ids as Durable Task addresses them: the "scheduler id" `@<name lower-cased>@<key>`
 * (durable-functions EntityId.getSchedulerIdFromEntityId, DurableTask.Core EntityId).
 */
export interface EntityId {
    name: string;
    key: string;
}

export function schedulerId(entity: EntityId): string {
    if (!entity.name) throw new Error('An entity id needs a non-empty entity name.');
    return `@${entity.name.toLowerCase()}@${entity.key}`;
}

export function isEntityInstanceId(instanceId: string): boolean {
    return instanceId.startsWith('@') && instanceId.indexOf('@', 1) > 1;
}

export function parseSchedulerId(id: string): EntityId {
    const at = id.indexOf('@', 1);
    if (!id.startsWith('@') || at < 2) {
        throw new Error(`"${id}" is not an entity instance id (expected "@<entity name>@<key>").`);
    }
    return { name: id.substring(1, at), key: id.substring(at + 1) };
}
