import type { InstanceRecord } from '../model/instance';

export type EngineErrorCode =
    'not-found' | 'gone' | 'conflict' | 'bad-request' | 'invalid-operation' | 'invalid-argument';

/**
 * A refusal the HTTP API maps to a 4xx status (404, 410, 409, 400), to the extension's 400 for an
 * ArgumentException, or to its 500 for an InvalidOperationException.
 */
export class EngineError extends Error {
    constructor(
        readonly code: EngineErrorCode,
        message: string,
    ) {
        super(message);
    }
}

/**
 * The Durable extension's refusal to start a function that is not an orchestrator, word for word:
 * DurableClient.StartNewAsync calls ThrowIfFunctionDoesNotExist, which throws an ArgumentException with
 * GetInvalidOrchestratorFunctionMessage (azure-functions-durable-extension
 * src/WebJobs.Extensions.DurableTask/DurableTaskExtension.cs, ContextImplementations/DurableClient.cs).
 */
export function notAnOrchestratorMessage(name: string, known: string[]): string {
    const info =
        known.length > 0
            ? `The following are the known orchestrator functions: '${known.join("', '")}'.`
            : 'No orchestrator functions are currently registered!';
    return `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function. Additional info: ${info}`;
}

/** The extension's InvalidOperationException for a suspend or resume in the wrong state (DurableClient.cs). */
export function invalidState(
    action: 'suspend' | 'resume',
    record: Pick<InstanceRecord, 'instanceId' | 'runtimeStatus'>,
): EngineError {
    return new EngineError(
        'invalid-operation',
        `Cannot ${action} the orchestration instance ${record.instanceId} because instance is in the ${record.runtimeStatus} state.`,
    );
}
