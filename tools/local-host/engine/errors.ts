export type EngineErrorCode = 'not-found' | 'gone' | 'conflict' | 'bad-request' | 'invalid-operation';

/** A refusal the HTTP API maps to a 4xx status (404, 410, 409, 400), or to the extension's 500 for an InvalidOperationException. */
export class EngineError extends Error {
    constructor(
        readonly code: EngineErrorCode,
        message: string,
    ) {
        super(message);
    }
}
