import * as pulumi from '@pulumi/pulumi';
import { runProgram } from '../support/pulumiMocks';

describe('the program with invalid config', () => {
    it('fails at preview, naming every bad key and its allowed values (no stack trace)', async () => {
        const error = await runProgram({ instanceMemoryMB: '1000', starterAuthLevel: 'admin' }).then(
            () => undefined,
            (err: unknown) => err,
        );
        expect(pulumi.RunError.isInstance(error)).toBe(true);
        expect((error as Error).message).toMatch(
            /durable-hello:location is required[\s\S]*durable-hello:instanceMemoryMB is '1000'; allowed values: 512, 2048, 4096[\s\S]*durable-hello:starterAuthLevel is 'admin'; allowed values: function, anonymous/,
        );
    });
});
