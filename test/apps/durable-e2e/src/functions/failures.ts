import { app, HttpHandler } from '@azure/functions';
import * as df from 'durable-functions';
import { ActivityHandler, OrchestrationHandler } from 'durable-functions';

const failedOnce = new Set<string>();

/** Fails the first time it runs for an instance, then succeeds. */
const flaky: ActivityHandler = (instanceId: string): string => {
    if (!failedOnce.has(instanceId)) {
        failedOnce.add(instanceId);
        throw new Error('This activity failed');
    }
    return 'This activity succeeded';
};
df.app.activity('Flaky', { handler: flaky });

const rethrow: OrchestrationHandler = function* (context) {
    yield context.df.callActivity('Flaky', context.df.instanceId);
};
df.app.orchestration('RethrowActivityFailure', rethrow);

const caught: OrchestrationHandler = function* (context) {
    try {
        yield context.df.callActivity('Flaky', context.df.instanceId);
        return 'no failure';
    } catch (err) {
        const error = err as Error;
        return { caught: `${error}`, name: error.constructor.name, message: error.message };
    }
};
df.app.orchestration('CatchActivityFailure', caught);

const waitForApproval: OrchestrationHandler = function* (context) {
    const approval = yield context.df.waitForExternalEvent('approval');
    return `approved: ${approval}`;
};
df.app.orchestration('WaitForApproval', waitForApproval);

/** The client calls answer with the text of what they threw, as the extension's own test app does. */
function clientCall(name: string, call: (client: df.DurableClient, instanceId: string) => Promise<unknown>): void {
    const handler: HttpHandler = async (request, context) => {
        try {
            await call(df.getClient(context), request.params.instanceId);
            return { status: 200 };
        } catch (err) {
            return { status: 400, body: String(err), headers: { 'Content-Type': 'text/plain' } };
        }
    };
    app.http(name, { route: name, methods: ['GET', 'POST'], extraInputs: [df.input.durableClient()], handler });
}
clientCall('SuspendInstance', (client, id) => client.suspend(id, 'Suspending the instance for test.'));
clientCall('ResumeInstance', (client, id) => client.resume(id, 'Resuming the instance for test.'));
clientCall('RewindInstance', (client, id) => client.rewind(id, 'Rewinding the instance for test.'));

/** ?instanceId= purges one instance (an entity too: @name@key); without it, every finished one. */
app.http('PurgeOrchestrationHistory', {
    route: 'PurgeOrchestrationHistory',
    methods: ['GET', 'POST'],
    extraInputs: [df.input.durableClient()],
    handler: async (request, context) => {
        const client = df.getClient(context);
        const instanceId = request.query.get('instanceId');
        const result = instanceId
            ? await client.purgeInstanceHistory(instanceId)
            : await client.purgeInstanceHistoryBy({
                  createdTimeFrom: new Date(0),
                  runtimeStatus: [
                      df.OrchestrationRuntimeStatus.Completed,
                      df.OrchestrationRuntimeStatus.Failed,
                      df.OrchestrationRuntimeStatus.Terminated,
                  ],
              });
        return { body: `Purged ${result.instancesDeleted} records`, headers: { 'Content-Type': 'text/plain' } };
    },
});

/** GET /api/GetStatus?instanceId=...: the client's view of an instance (entities included). */
app.http('GetStatus', {
    route: 'GetStatus',
    methods: ['GET'],
    extraInputs: [df.input.durableClient()],
    handler: async (request, context) => {
        const status = await df.getClient(context).getStatus(request.params.instanceId);
        return status ? { jsonBody: status } : { status: 404, body: 'not found' };
    },
});
