import { app, type HttpHandler, type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { starterAuthLevel } from '../lib/authLevel';
import { jsonError, readOrchestrationInput } from '../lib/orchestrationInput';
import { knownOrchestrations } from '../lib/orchestrations';

/** Starts the named orchestrator with the request's JSON body as input; answers the check-status response. */
export const httpStart: HttpHandler = async (request: HttpRequest, context: InvocationContext) => {
    const functionName = request.params.functionName ?? '';
    const known = knownOrchestrations();
    if (!known.includes(functionName)) {
        return jsonError(404, `No orchestrator named '${functionName}'. Use one of: ${known.join(', ')}.`, { knownOrchestrators: known });
    }
    const parsed = await readOrchestrationInput(request);
    if (!parsed.ok) {
        return parsed.response;
    }
    const client = df.getClient(context);
    const instanceId = await client.startNew(functionName, { input: parsed.input });
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
