import { FunctionsCore, type RpcTypedData } from '../../tools/local-host/worker-process/functionsCore';
import { fromTypedData, invokeFunction } from '../../tools/local-host/worker-process/invoke';

/**
 * Loads the app's function files inside jest with a `@azure/functions-core` of our own, as the Node
 * worker does, so tests invoke the functions exactly as registered.
 * Call `jest.mock('@azure/functions-core', () => harness.core.api, { virtual: true })` in the test file.
 */
export class AppHarness {
    readonly core = new FunctionsCore();

    names(): string[] {
        return [...this.core.registrations.keys()].sort();
    }

    async invoke(
        functionName: string,
        inputData: Record<string, RpcTypedData>,
        triggerMetadata?: Record<string, RpcTypedData>,
    ) {
        return invokeFunction(this.core, functionName, { inputData, triggerMetadata });
    }

    /** Invokes and decodes the return value as the host would read it. */
    async call(functionName: string, inputData: Record<string, RpcTypedData>): Promise<unknown> {
        const response = await this.invoke(functionName, inputData);
        return fromTypedData(response.returnValue);
    }

    triggerName(functionName: string): string {
        const registration = this.core.registrations.get(functionName);
        if (!registration) throw new Error(`${functionName} is not registered; registered: ${this.names().join(', ')}`);
        return registration.triggerName;
    }
}
