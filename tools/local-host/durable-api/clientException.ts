import type { ServerResponse } from 'node:http';
import type { EngineError } from '../engine/errors';
import { sendJson } from '../http/respond';

/** The HTTP status of each engine error, as the extension answers them. */
export const ENGINE_STATUS = {
    'not-found': 404,
    gone: 410,
    conflict: 409,
    'bad-request': 400,
    'invalid-operation': 500,
    'invalid-argument': 400,
} as const;

/**
 * What the extension answers when the client call it makes throws (azure-functions-durable-extension
 * src/WebJobs.Extensions.DurableTask/HttpApiHandler.cs HandleRequestAsync →
 * HttpRequestMessageExtensions.CreateErrorResponse): an ArgumentException (e.g. starting a function that is not an
 * orchestrator) is a 400 "One or more of the arguments submitted is incorrect", anything else a 500. durable-functions
 * turns either into "The operation failed with an unexpected status code: <status>. Details: {...}".
 */
export function sendClientException(res: ServerResponse, err: EngineError): void {
    const argument = err.code === 'invalid-argument';
    sendJson(res, ENGINE_STATUS[err.code], {
        Message: argument
            ? 'One or more of the arguments submitted is incorrect'
            : 'Something went wrong while processing your request',
        ExceptionMessage: err.message,
        ExceptionType: argument ? 'System.ArgumentException' : 'System.InvalidOperationException',
        StackTrace: null,
    });
}
