import { randomUUID } from 'node:crypto';

/**
 * The messages entities exchange, in the JSON shapes the Durable extension writes into history
 * (RequestMessage on EventSent.Input, ResponseMessage on EventRaised.Input). Inputs and results
 * travel as JSON *strings*, as in the out-of-proc entity protocol.
 */
export interface EntityRequest {
    id: string;
    op: string;
    signal: boolean;
    /** The operation input, JSON-encoded; absent when the caller gave none. */
    input?: string;
    /** The calling orchestration (or entity) instance id; absent for client signals. */
    parent?: string;
    parentExecution?: string;
    timestamp: string;
}

export interface EntityResponse {
    /** The operation's return value (JSON-encoded) or, on failure, the serialized error. */
    result?: string;
    exceptionType?: string;
}

export function newRequest(
    op: string,
    input: string | undefined,
    from: { parent?: string; parentExecution?: string; signal: boolean; now?: Date },
): EntityRequest {
    const request: EntityRequest = {
        id: randomUUID(),
        op,
        signal: from.signal,
        timestamp: (from.now ?? new Date()).toISOString(),
    };
    if (input !== undefined) request.input = input;
    if (from.parent !== undefined) request.parent = from.parent;
    if (from.parentExecution !== undefined) request.parentExecution = from.parentExecution;
    return request;
}

/** JSON-encodes an operation input the way the library does (`undefined` stays absent). */
export function encodeInput(value: unknown): string | undefined {
    return value === undefined ? undefined : JSON.stringify(value);
}
