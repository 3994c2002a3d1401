import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { HANG_MS } from '../support/localHost';

/**
 * `pulumi up` compiles the program with Pulumi's own ts-node registration from the working directory
 * infra/, not with ts-jest from the root: prove the program loads and registers the stack that way.
 */
describe('the program under Pulumi’s Node runtime', () => {
    it('compiles from infra/ with Pulumi’s ts-node and registers the whole stack', () => {
        const stdout = execFileSync(process.execPath, [path.join(__dirname, 'fixtures', 'runUnderPulumiTsNode.js')], {
            encoding: 'utf8',
            timeout: HANG_MS,
        });
        const result = JSON.parse(stdout.trim().split('\n').pop() as string);
        expect(result.transpileOnly).toBe(true);
        expect(result.types).toEqual(
            expect.arrayContaining([
                'azure-native:resources:ResourceGroup',
                'azure-native:storage:StorageAccount',
                'azure-native:web:AppServicePlan',
                'azure-native:web:WebApp',
                'pulumi-nodejs:dynamic/durable-hello:OneDeploy',
            ]),
        );
        expect(result.outputs).toEqual(
            expect.arrayContaining([
                'apiBaseUrl',
                'starterRouteTemplate',
                'starterKey',
                'functionAppName',
                'resourceGroupName',
            ]),
        );
    });
});
