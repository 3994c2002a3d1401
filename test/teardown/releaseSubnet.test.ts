import type { ServerResponse } from 'node:http';
import { disconnectVnetIntegration, NETWORK_API_VERSION, waitUntilSubnetReleased, WEB_API_VERSION, type ArmAccess } from '../../infra/teardown/releaseSubnet';
import { AUDIENCE, FakeServer, tokenForScope, virtualClock, type RecordedRequest } from '../deploy/fakeServer';

const SITE = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/func-hello';
const SUBNET = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app';

/** A fake ARM: answers the two requests the teardown makes, from scripted answers, and checks what ARM checks. */
class FakeArm extends FakeServer {
    constructor(private readonly script: { disconnect: number[]; subnetLinks: (string[] | number)[] }) {
        super();
    }

    /** `METHOD path?query` of each request. */
    get calls(): string[] {
        return this.requests.map((r) => `${r.method} ${r.path}`);
    }

    protected accepts(audience: string): boolean {
        return audience === AUDIENCE.arm || audience === AUDIENCE.legacyArm;
    }

    protected handle(request: RecordedRequest, res: ServerResponse): void {
        const url = new URL(request.path, 'http://arm');
        if (!url.searchParams.get('api-version')) return this.json(res, 400, { error: { code: 'MissingApiVersionParameter' } });
        if (request.method === 'DELETE' && url.pathname === `${SITE}/networkConfig/virtualNetwork`) return void res.writeHead(this.script.disconnect.shift() ?? 200).end();
        if (request.method === 'GET' && url.pathname === SUBNET) {
            const next = this.script.subnetLinks.length > 1 ? this.script.subnetLinks.shift()! : this.script.subnetLinks[0];
            if (typeof next === 'number') return this.json(res, next, { error: { code: 'Status' } });
            return this.json(res, 200, { id: SUBNET, properties: { serviceAssociationLinks: next.map((name) => ({ name, properties: { linkedResourceType: 'Microsoft.App/environments' } })) } });
        }
        this.json(res, 404, { error: { code: 'NotFound' } });
    }
}

async function withArm<T>(script: ConstructorParameters<typeof FakeArm>[0], run: (access: ArmAccess, arm: FakeArm, logs: string[]) => Promise<T>): Promise<T> {
    const arm = await new FakeArm(script).start();
    const { now, sleep } = virtualClock(0);
    const logs: string[] = [];
    try {
        return await run(
            { armEndpoint: arm.baseUrl, getToken: async (scope) => tokenForScope(scope), now, sleep, log: (m) => logs.push(m), timeoutMs: 60_000, pollIntervalMs: 15_000 },
            arm,
            logs,
        );
    } finally {
        await arm.stop();
    }
}

describe('disconnecting the VNet integration before the site is deleted', () => {
    it('sends DELETE <site>/networkConfig/virtualNetwork with its api-version and retries 409 (another operation in progress)', async () => {
        await withArm({ disconnect: [409, 200], subnetLinks: [[]] }, async (access, arm) => {
            expect(await disconnectVnetIntegration(SITE, access)).toBe(true);
            expect(arm.calls).toEqual([
                `DELETE ${SITE}/networkConfig/virtualNetwork?api-version=${WEB_API_VERSION}`,
                `DELETE ${SITE}/networkConfig/virtualNetwork?api-version=${WEB_API_VERSION}`,
            ]);
        });
    });

    it('goes on when there is no integration (404) or ARM refuses the operation for the site (400)', async () => {
        for (const status of [404, 400]) {
            await withArm({ disconnect: [status], subnetLinks: [[]] }, async (access, _arm, logs) => {
                expect(await disconnectVnetIntegration(SITE, access)).toBe(false);
                expect(logs.join('\n')).toContain(`HTTP ${status}`);
            });
        }
    });

    it('fails with the permission to grant when ARM forbids it', async () => {
        await withArm({ disconnect: [403], subnetLinks: [[]] }, async (access) => {
            await expect(disconnectVnetIntegration(SITE, access)).rejects.toThrow(/HTTP 403.*Microsoft\.Web\/sites\/networkConfig\/delete.*run `pulumi destroy` again/);
        });
    });

    it('refuses an id that is not an ARM resource id', async () => {
        await withArm({ disconnect: [], subnetLinks: [[]] }, async (access, arm) => {
            await expect(disconnectVnetIntegration('func-hello', access)).rejects.toThrow(/siteId 'func-hello' is not an ARM resource id/);
            expect(arm.calls).toEqual([]);
        });
    });
});

describe('waiting for Azure to release the subnet after the site is deleted', () => {
    it('polls the subnet until it lists no service association link, logging what it waits for', async () => {
        await withArm({ disconnect: [], subnetLinks: [['legionservicelink'], 503, ['legionservicelink'], []] }, async (access, arm, logs) => {
            expect(await waitUntilSubnetReleased(SUBNET, access)).toBe(4);
            expect(arm.calls[0]).toBe(`GET ${SUBNET}?api-version=${NETWORK_API_VERSION}`);
            expect(logs).toEqual(expect.arrayContaining([expect.stringContaining('still linked by legionservicelink'), expect.stringContaining('no service association link')]));
        });
    });

    it('is done at once when the subnet is already gone', async () => {
        await withArm({ disconnect: [], subnetLinks: [404] }, async (access) => {
            expect(await waitUntilSubnetReleased(SUBNET, access)).toBe(1);
        });
    });

    it('gives up after its timeout with what to do, naming the link and the known Azure issue', async () => {
        await withArm({ disconnect: [], subnetLinks: [['legionservicelink']] }, async (access) => {
            await expect(waitUntilSubnetReleased(SUBNET, access)).rejects.toThrow(/still linked by legionservicelink 1 min after the app was deleted \(Azure\/Azure-Functions#2605\).*run `pulumi destroy` again later/);
        });
    });

    it('fails at once with the role to grant when the subnet cannot be read', async () => {
        await withArm({ disconnect: [], subnetLinks: [403] }, async (access) => {
            await expect(waitUntilSubnetReleased(SUBNET, access)).rejects.toThrow(/HTTP 403.*subnets\/read/);
        });
    });
});
