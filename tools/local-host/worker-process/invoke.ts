import { randomUUID } from 'node:crypto';
import type { FunctionsCore, InvocationResponse, LogSink, RpcTypedData } from './functionsCore';
import type { InvocationInput } from './protocol';

export type { InvocationInput };

/**
 * Invokes one registered function the way the Node worker does: through the app's programming model
 * (`getInvocationModel` → `getArguments` → hooks → `invokeFunction` → `getResponse`).
 */
export async function invokeFunction(
    core: FunctionsCore,
    functionName: string,
    input: InvocationInput,
    log: LogSink = (level, category, message) => core.log(level, category, message),
): Promise<InvocationResponse> {
    const registration = core.registrations.get(functionName);
    if (!registration) {
        throw new Error(`Function "${functionName}" is not registered.`);
    }
    const model = core.programmingModel;
    if (!model) {
        throw new Error(
            'The app registered functions without a programming model (is @azure/functions v4 installed?).',
        );
    }
    const invocationId = input.invocationId ?? randomUUID();
    const coreContext: Record<string, unknown> = {
        invocationId,
        request: {
            invocationId,
            functionId: functionName,
            inputData: Object.entries(input.inputData).map(([name, data]) => ({ name, data })),
            triggerMetadata: input.triggerMetadata ?? {},
        },
        metadata: registration.metadata,
        state: undefined,
        log,
    };
    const invocationModel = model.getInvocationModel(coreContext);
    coreContext.state = 'preInvocationHooks';
    const { context, inputs } = await invocationModel.getArguments();
    const preContext = {
        invocationContext: context,
        inputs,
        functionCallback: registration.callback,
        hookData: {},
        appHookData: {},
    };
    await core.runHooks('preInvocation', preContext);
    coreContext.state = 'invocation';
    let result: unknown;
    let error: unknown;
    try {
        result = await invocationModel.invokeFunction(context, preContext.inputs, preContext.functionCallback);
    } catch (err) {
        error = err;
    }
    coreContext.state = 'postInvocationHooks';
    const postContext = {
        invocationContext: context,
        inputs: preContext.inputs,
        result,
        error,
        hookData: preContext.hookData,
        appHookData: {},
    };
    await core.runHooks('postInvocation', postContext);
    coreContext.state = undefined;
    if (postContext.error) {
        throw postContext.error;
    }
    return invocationModel.getResponse(context, postContext.result);
}

/** An activity's result as the JSON text its TaskCompleted carries (its `$return` output, else its return value). */
export function activityResultJson(response: InvocationResponse): string {
    const output = response.outputData?.find((o) => o.name === '$return')?.data ?? response.returnValue;
    return JSON.stringify(fromTypedData(output) ?? null);
}

/** Decodes RpcTypedData the way the host reads a function's return value. */
export function fromTypedData(data: RpcTypedData | null | undefined): unknown {
    if (!data) return undefined;
    if (data.json != null) return JSON.parse(data.json);
    if (data.string != null) return data.string;
    if (data.bytes != null) return Buffer.from(data.bytes);
    if (data.stream != null) return Buffer.from(data.stream);
    if (data.int != null) return data.int;
    if (data.double != null) return data.double;
    if (data.http != null) return data.http;
    return undefined;
}
