import type * as http from 'node:http';
import { main, type CheckArgs } from '../../tools/replay-check/cli';
import {
    readDeployed,
    SCHEDULER_NOT_SUPPORTED,
    storageEndpoints,
    taskHubName,
} from '../../tools/replay-check/deployed';
import { AUDIENCE, FakeServer, tokenForScope, type RecordedRequest } from '../deploy/fakeServer';
import { azuriteCredential, startAzurite, type Azurite } from './azurite';
import { TaskHubWriter } from './taskHubWriter';
import { V1, V2, V2_VERSIONED, waitingApprovals } from './approvals';

const SITE_ID =
    '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-hello/providers/Microsoft.Web/sites/func-hello';
const OUTPUTS = {
    functionAppName: 'func-hello',
    resourceGroupName: 'rg-hello',
    defaultHostName: 'func-hello.azurewebsites.net',
    functionAppId: SITE_ID,
};

/** ARM's Web Apps - List Application Settings for one app (POST {site}/config/appsettings/list). */
class FakeArmSettings extends FakeServer {
    constructor(private readonly settings: Record<string, string>) {
        super();
    }
    protected accepts(audience: string): boolean {
        return audience === AUDIENCE.arm;
    }
    protected handle(request: RecordedRequest, res: http.ServerResponse): void {
        if (request.method === 'POST' && request.path === `${SITE_ID}/config/appsettings/list?api-version=2024-04-01`)
            return this.json(res, 200, { properties: this.settings });
        this.json(res, 404, {
            error: { code: 'ResourceNotFound', message: `no route for ${request.method} ${request.path}` },
        });
    }
}

let azurite: Azurite;
let arm: FakeArmSettings;
beforeAll(async () => {
    azurite = await startAzurite();
    arm = await new FakeArmSettings({
        AzureWebJobsStorage__accountName: 'devstoreaccount1',
        AzureWebJobsStorage__tableServiceUri: azurite.tableEndpoint,
        AzureWebJobsStorage__blobServiceUri: azurite.blobEndpoint,
        AzureWebJobsStorage__credential: 'managedidentity',
    }).start();
    // The hub of an app named func-hello whose host.json names none: "funchello".
    const writer = new TaskHubWriter(azurite, 'funchello');
    await writer.create();
    for (const instance of await waitingApprovals(V1, ['Q3 report', 'Q4 plan']))
        await writer.write(instance, `exec-${instance.instanceId}`);
});
afterAll(async () => {
    await arm?.stop();
    await azurite?.stop();
});

function check(argv: string[], outputs: Record<string, unknown> = OUTPUTS) {
    let out = '';
    let err = '';
    const pulumiCalls: string[][] = [];
    const deps = {
        out: (t: string) => void (out += t),
        err: (t: string) => void (err += t),
        readDeployed: (args: CheckArgs, progress: (line: string) => void) =>
            readDeployed(args, progress, {
                arm: { baseUrl: arm.baseUrl, fetch, getToken: async (scope: string) => tokenForScope(scope) },
                runPulumi: async (args: string[]) => {
                    pulumiCalls.push(args);
                    return { code: 0, stdout: JSON.stringify(outputs), stderr: '' };
                },
                credential: azuriteCredential,
            }),
    };
    return main(argv, deps).then((code) => ({ code, out, err, pulumiCalls }));
}

describe('replay-check against the deployed app (--stack)', () => {
    it('finds the storage account and task hub through the stack and ARM, reads it with Entra ID and reports the breaks', async () => {
        const result = await check(['--stack', 'dev', '--app', V2]);
        expect(result.code).toBe(1);
        expect(result.pulumiCalls).toEqual([['stack', 'output', '--json', '--stack', 'dev']]);
        expect(result.err).toContain(`Reading task hub funchello at ${azurite.tableEndpoint} (Entra ID)`);
        expect(result.out).toContain(
            "WOULD BREAK  approval approval-none-1 (Running): history schedules activity 'draft' as step 1; the new code schedules activity 'validate'",
        );
        expect(result.out).toContain('2 instance(s): 0 compatible, 2 would break, 0 protected by versioning.');
    });

    it('exits 0 once the new build keeps the old steps behind a version branch', async () => {
        const result = await check(['--stack', 'dev', '--app', V2_VERSIONED, '--json']);
        expect(result.code).toBe(0);
        expect(JSON.parse(result.out).instances.map((i: { verdict: string }) => i.verdict)).toEqual([
            'compatible',
            'compatible',
        ]);
    });

    it('a stack on the Durable Task Scheduler gets a clear message and exit 2', async () => {
        const result = await check(['--stack', 'dts', '--app', V2], {
            ...OUTPUTS,
            schedulerDashboardUrl: 'https://dashboard.durabletask.io/?endpoint=x',
        });
        expect(result.code).toBe(2);
        expect(result.err).toContain(SCHEDULER_NOT_SUPPORTED);
    });
});

describe('how the deployed task hub is found', () => {
    it('takes host.json hubName (app settings resolved), else the site name as the extension sanitizes it', () => {
        expect(
            taskHubName({ extensions: { durableTask: { hubName: '%HUB%' } } }, { HUB: 'OrdersHub' }, 'func-hello'),
        ).toBe('OrdersHub');
        expect(taskHubName({}, {}, 'func-hello-ab12')).toBe('funchelloab12');
        expect(taskHubName({}, {}, '1st-app')).toBe('t1stapp');
        expect(taskHubName({}, {}, 'a-b')).toBe('abHub');
    });

    it('reads the identity-based AzureWebJobsStorage settings; a connection string is refused with the reason', () => {
        expect(storageEndpoints({ AzureWebJobsStorage__accountName: 'sthello' })).toEqual({
            tableEndpoint: 'https://sthello.table.core.windows.net',
            blobEndpoint: 'https://sthello.blob.core.windows.net',
        });
        expect(() => storageEndpoints({ AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;...' })).toThrow(
            'this project deploys keyless',
        );
    });
});
