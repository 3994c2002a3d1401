import { fromTypedData } from '../../worker-process/invoke';
import { isInterruption, type AppFunctions } from '../../worker-channel/appFunctions';
import type { EntityId } from './entityId';
import type { EntityRequest, EntityResponse } from './messages';

/** What the host keeps of an entity between batches. */
export interface EntitySnapshot {
    exists: boolean;
    /** The state, JSON-encoded; absent when the entity does not exist. */
    state?: string;
}

export interface EntitySignal {
    target: EntityId;
    name: string;
    input?: string;
}

export interface BatchOutcome extends EntitySnapshot {
    /** One response per request, in order (signals included: the host drops those). */
    responses: EntityResponse[];
    signals: EntitySignal[];
}

interface OutOfProcResult {
    entityExists?: unknown;
    entityState?: unknown;
    results?: { isError?: unknown; result?: unknown }[];
    signals?: { target?: { name?: unknown; key?: unknown }; name?: unknown; input?: unknown }[];
}

/** Finds the registered entity function for an entity name (Functions names are case-insensitive). */
export function findEntityFunction(functions: AppFunctions, entityName: string): string | undefined {
    const wanted = entityName.toLowerCase();
    for (const [name, registration] of functions.registrations) {
        if (name.toLowerCase() === wanted && registration.trigger.type === 'entityTrigger') return name;
    }
    return undefined;
}

export function entityFunctionNames(functions: AppFunctions): string[] {
    return [...functions.registrations.values()]
        .filter((r) => r.trigger.type === 'entityTrigger')
        .map((r) => r.metadata.name);
}

function failAll(snapshot: EntitySnapshot, requests: EntityRequest[], message: string): BatchOutcome {
    // A JSON string, so the orchestration's `Error(JSON.parse(result))` carries the message.
    const result = JSON.stringify(message);
    return { ...snapshot, responses: requests.map(() => ({ result, exceptionType: 'Error' })), signals: [] };
}

/**
 * Runs one batch of operations through the app's entity function with the out-of-proc entity
 * protocol (TaskEntityShim): trigger `{ self, exists, state, batch }` as a JSON string in, the
 * OutOfProcResult `{ entityExists, entityState, results, signals }` out. If the function fails as a
 * whole (or answers malformed results) every operation fails and the state is left as it was.
 */
export async function executeEntityBatch(
    functions: AppFunctions,
    entity: EntityId,
    snapshot: EntitySnapshot,
    requests: EntityRequest[],
): Promise<BatchOutcome> {
    const functionName = findEntityFunction(functions, entity.name);
    if (!functionName) {
        const known = entityFunctionNames(functions);
        return failAll(
            snapshot,
            requests,
            `The entity "${entity.name}" does not exist: no function with an entityTrigger has that name (entities: ${known.join(', ') || 'none'}).`,
        );
    }
    const registration = functions.registrations.get(functionName)!;
    const trigger = {
        self: { name: entity.name, key: entity.key },
        exists: snapshot.exists,
        state: snapshot.exists ? (snapshot.state ?? null) : null,
        batch: requests.map((r) => ({ name: r.op, input: r.input ?? null, isSignal: r.signal, id: r.id })),
    };
    let result: OutOfProcResult;
    try {
        const response = await functions.invoke(functionName, {
            inputData: { [registration.triggerName]: { string: JSON.stringify(trigger) } },
            workKey: `@${entity.name}@${entity.key}`,
        });
        result = (fromTypedData(response.returnValue) ?? {}) as OutOfProcResult;
    } catch (error) {
        // The batch is processed again once a worker is back (nothing was committed).
        if (isInterruption(error)) throw error;
        return failAll(
            snapshot,
            requests,
            `Entity function "${functionName}" failed: ${error instanceof Error ? error.message : String(error)}`,
        );
    }
    const results = Array.isArray(result.results) ? result.results : [];
    if (results.length < requests.length) {
        return failAll(
            snapshot,
            requests,
            `Entity function "${functionName}" returned ${results.length} results for ${requests.length} operations.`,
        );
    }
    const exists = result.entityExists === true;
    return {
        exists,
        state: exists && typeof result.entityState === 'string' ? result.entityState : undefined,
        responses: requests.map((_, i) => {
            const r = results[i];
            const response: EntityResponse = {};
            if (typeof r.result === 'string') response.result = r.result;
            if (r.isError === true) response.exceptionType = 'Error';
            return response;
        }),
        signals: (Array.isArray(result.signals) ? result.signals : []).map((s) => ({
            target: { name: String(s.target?.name ?? ''), key: String(s.target?.key ?? '') },
            name: String(s.name ?? ''),
            input: typeof s.input === 'string' && s.input !== '' ? s.input : undefined,
        })),
    };
}
