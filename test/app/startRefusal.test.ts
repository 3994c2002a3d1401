import { knownOrchestratorsFromRefusal } from '../../app/src/lib/startRefusal';
import { notAnOrchestratorMessage } from '../../tools/local-host/engine/errors';

/**
 * What durable-functions' client rejects with when the extension answers `status` with `body`
 * (DurableClient.createGenericError).
 */
const clientError = (status: number, body: unknown) =>
    new Error(`The operation failed with an unexpected status code: ${status}. Details: ${JSON.stringify(body)}`);
const refusal = (message: string) =>
    clientError(400, {
        Message: 'One or more of the arguments submitted is incorrect',
        ExceptionMessage: message,
        ExceptionType: 'System.ArgumentException',
    });

describe('knownOrchestratorsFromRefusal', () => {
    it("reads the known orchestrators from the extension's refusal, sorted", () => {
        const text =
            "The function 'procesOrder' doesn't exist, is disabled, or is not an orchestrator function. Additional info: The following are the known orchestrator functions: 'shipOrder', 'processOrder'.";
        expect(knownOrchestratorsFromRefusal(refusal(text))).toEqual(['processOrder', 'shipOrder']);
        expect(notAnOrchestratorMessage('procesOrder', ['shipOrder', 'processOrder'])).toBe(text);
    });

    it('answers an empty list when the app registers no orchestrator', () => {
        const text =
            "The function 'x' doesn't exist, is disabled, or is not an orchestrator function. Additional info: No orchestrator functions are currently registered!";
        expect(notAnOrchestratorMessage('x', [])).toBe(text);
        expect(knownOrchestratorsFromRefusal(refusal(text))).toEqual([]);
    });

    it('is undefined for any other failure: a 500, a network error, another 400', () => {
        expect(
            knownOrchestratorsFromRefusal(
                clientError(500, { Message: 'Something went wrong while processing your request' }),
            ),
        ).toBeUndefined();
        expect(knownOrchestratorsFromRefusal(new Error('connect ECONNREFUSED 127.0.0.1:17071'))).toBeUndefined();
        expect(knownOrchestratorsFromRefusal(clientError(400, { Message: 'Invalid JSON content' }))).toBeUndefined();
    });
});
