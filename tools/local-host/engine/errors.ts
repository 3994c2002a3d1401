export type EngineErrorCode = 'not-found' | 'gone' | 'conflict' | 'bad-request';

/** A refusal the HTTP API maps to a 4xx status (404, 410, 409, 400). */
export class EngineError extends Error {
    constructor(
        readonly code: EngineErrorCode,
        message: string,
    ) {
        super(message);
    }
}
