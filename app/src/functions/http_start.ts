import { app, type HttpHandler, type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { starterAuthLevel } from '../lib/authLevel';
import { jsonError, readOrchestrationInput } from '../lib/orchestrationInput';
import { knownOrchestratorsFromRefusal } from '../lib/startRefusal';

/**
 * Starts the named orchestrator (any the app registers with df.app.orchestration) with the request's JSON
 * body as input; answers the check-status response. A name that is not an orchestrator answers 404 with
 * the ones the Durable extension knows.
 */
export const httpStart: HttpHandler = async (request: HttpRequest, context: InvocationContext) => {
    const functionName = request.params.functionName ?? '';
    const parsed = await readOrchestrationInput(request);
    if (!parsed.ok) {
        return parsed.response;
    }
    const client = df.getClient(context);
    let instanceId: string;
    try {
        instanceId = await client.startNew(functionName, { input: parsed.input });
    } catch (err) {
        const known = knownOrchestratorsFromRefusal(err);
        if (known === undefined) throw err;
        const choices = known.length > 0 ? `Use one of: ${known.join(', ')}.` : 'The app registers no orchestrator.';
        return jsonError(404, `No orchestrator named '${functionName}'. ${choices}`, { knownOrchestrators: known });
    }
    context.log(`Started orchestration '${functionName}' with ID '${instanceId}'.`);
    return client.createCheckStatusResponse(request, instanceId);
};

app.http('http_start', {
    route: 'orchestrators/{functionName}',
    methods: ['GET', 'POST'],
    authLevel: starterAuthLevel(),
    extraInputs: [df.input.durableClient()],
    handler: httpStart,
});
