/**
 * The Durable extension refuses to start a function that is not an orchestrator: StartNewAsync throws
 * "The function '<name>' doesn't exist, is disabled, or is not an orchestrator function. Additional info:
 * The following are the known orchestrator functions: 'a', 'b'." (or "No orchestrator functions are
 * currently registered!"), and its HTTP API answers 400 with that text as ExceptionMessage
 * (azure-functions-durable-extension src/WebJobs.Extensions.DurableTask/DurableTaskExtension.cs
 * ThrowIfFunctionDoesNotExist / GetInvalidOrchestratorFunctionMessage, HttpApiHandler.cs HandleRequestAsync).
 * durable-functions' client rejects with "The operation failed with an unexpected status code: 400.
 * Details: <the body as JSON>" (DurableClient.startNew → createGenericError). The extension knows every
 * orchestrator the app registered with df.app.orchestration, so its list is the one to show.
 */
const REFUSAL = /doesn't exist, is disabled, or is not an orchestrator function\./;
const KNOWN = /The following are the known orchestrator functions: '(.*)'\./;

/**
 * The orchestrators the extension knows, when `err` is its refusal to start a non-orchestrator; undefined otherwise.
 */
export function knownOrchestratorsFromRefusal(err: unknown): string[] | undefined {
    const message = err instanceof Error ? err.message : String(err);
    const details = /Details: (.*)$/s.exec(message)?.[1];
    let text = message;
    try {
        const body = details === undefined ? undefined : (JSON.parse(details) as { ExceptionMessage?: unknown });
        if (typeof body?.ExceptionMessage === 'string') text = body.ExceptionMessage;
    } catch {
        // Not JSON: read the message itself.
    }
    if (!REFUSAL.test(text)) return undefined;
    const known = KNOWN.exec(text)?.[1];
    return known === undefined ? [] : known.split("', '").sort();
}
