import { types } from 'node:util';

/**
 * The TaskFailed fields the Durable extension records for a failed activity (TaskActivityShim, for
 * user-code errors and timeouts alike): `Reason = "Activity function '<name>' failed: <message>"`
 * and `Details` = the cause serialized by DurableTask.Core's Utils.SerializeCause, with no
 * FailureDetails (the extension's default ErrorPropagationMode) — so durable-functions hands the
 * orchestrator `new Error("<Reason> \n <Details>")`, not a TaskFailedError
 * (azure-functions-durable-extension src/WebJobs.Extensions.DurableTask/Listener/TaskActivityShim.cs;
 * durable-functions lib/src/orchestrations/TaskOrchestrationExecutor.js).
 */
export function activityFailureFields(activityName: string, error: unknown): { Reason: string; Details: string } {
    // isNativeError, not instanceof: in the test kit the app's Error comes from another realm (jest's sandbox).
    const err = types.isNativeError(error)
        ? error
        : new Error(typeof error === 'string' ? error : JSON.stringify(error));
    return { Reason: `Activity function '${activityName}' failed: ${err.message}`, Details: serializedCause(err) };
}

const HRESULT_COR_E_EXCEPTION = -2146233088;

/**
 * What SerializeCause writes for the exception the extension reports: a System.Exception with the
 * worker's message (OutOfProcExceptionHelpers.TryGetExceptionWithFriendlyMessage) wrapping the host's
 * RpcException (azure-functions-durable-extension src/WebJobs.Extensions.DurableTask/OutOfProcExceptionHelpers.cs),
 * whose message is "Result: Failure\nException: <message>\nStack: <stack>" (azure-functions-host
 * src/WebJobs.Script/Workers/Rpc/RpcException.cs). Newtonsoft's ISerializable form with `$type` (the extension's
 * ErrorSerializerSettingsFactory: TypeNameHandling.Objects).
 */
function serializedCause(err: Error): string {
    const exception = (type: string, assembly: string, message: string, inner: object | null): object => ({
        $type: `${type}, ${assembly}`,
        ClassName: type,
        Message: message,
        Data: null,
        InnerException: inner,
        HelpURL: null,
        StackTraceString: null,
        RemoteStackTraceString: null,
        RemoteStackIndex: 0,
        ExceptionMethod: null,
        HResult: HRESULT_COR_E_EXCEPTION,
        Source: null,
        WatsonBuckets: null,
    });
    const rpc = exception(
        'Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcException',
        'Microsoft.Azure.WebJobs.Script',
        `Result: Failure\nException: ${err.message}\nStack: ${err.stack ?? ''}`,
        null,
    );
    return JSON.stringify(exception('System.Exception', 'System.Private.CoreLib', err.message, rpc));
}
