import type { ServerResponse } from 'node:http';
import {
    disconnectVnetIntegration,
    NETWORK_API_VERSION,
    waitUntilSubnetReleased,
    WEB_API_VERSION,
    type ArmAccess,
} from '../../infra/teardown/releaseSubnet';
import { AUDIENCE, FakeServer, tokenForScope, virtualClock, type RecordedRequest } from '../deploy/fakeServer';

const SITE = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/func-hello';
const SUBNET = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app';

/** A fake ARM: answers the two requests the teardown makes, from scripted answers, and checks what ARM checks. */
class FakeArm extends FakeServer {
    constructor(
        private readonly script: {
            disconnect: (number | { status: number; headers: Record<string, string> })[];
            subnetLinks: (string[] | number)[];
        },
    ) {
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
        if (!url.searchParams.get('api-version'))
            return this.json(res, 400, { error: { code: 'MissingApiVersionParameter' } });
        if (request.method === 'DELETE' && url.pathname === `${SITE}/networkConfig/virtualNetwork`) {
            const next = this.script.disconnect.shift() ?? 200;
            return void (
                typeof next === 'number' ? res.writeHead(next) : res.writeHead(next.status, next.headers)
            ).end();
        }
        if (request.method === 'GET' && url.pathname === SUBNET) {
            const next =
                this.script.subnetLinks.length > 1 ? this.script.subnetLinks.shift()! : this.script.subnetLinks[0];
            if (typeof next === 'number') return this.json(res, next, { error: { code: 'Status' } });
            return this.json(res, 200, {
                id: SUBNET,
                properties: {
                    serviceAssociationLinks: next.map((name) => ({
                        name,
                        properties: { linkedResourceType: 'Microsoft.App/environments' },
                    })),
                },
            });
        }
        this.json(res, 404, { error: { code: 'NotFound' } });
    }
}

async function withArm<T>(
    script: ConstructorParameters<typeof FakeArm>[0],
    run: (access: ArmAccess, arm: FakeArm, logs: string[], slept: number[]) => Promise<T>,
): Promise<T> {
    const arm = await new FakeArm(script).start();
    const { now, sleep, clock } = virtualClock(0);
    const logs: string[] = [];
    try {
        const deadlines = { headersMs: 1_000, bodyIdleMs: 1_000, requestMs: 10_000 };
        return await run(
            {
                armEndpoint: arm.baseUrl,
                getToken: async (scope) => tokenForScope(scope),
                now,
                sleep,
                log: (m) => logs.push(m),
                timeoutMs: 60_000,
                pollIntervalMs: 15_000,
                deadlines,
            },
            arm,
            logs,
            clock.slept,
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
            await expect(disconnectVnetIntegration(SITE, access)).rejects.toThrow(
                /HTTP 403.*Microsoft\.Web\/sites\/networkConfig\/delete.*run `pulumi destroy` again/,
            );
        });
    });

    it('aborts a DELETE that never answers at its headers deadline, naming it, and tries again', async () => {
        await withArm({ disconnect: [200], subnetLinks: [[]] }, async (access, arm, logs) => {
            arm.misbehave((method) => method === 'DELETE', { kind: 'hang' }, 1);
            expect(await disconnectVnetIntegration(SITE, access)).toBe(true);
            expect(arm.misbehaved).toHaveLength(1);
            expect(logs[0]).toMatch(
                /^Disconnecting the VNet integration: DELETE \S+\/networkConfig\/virtualNetwork\?api-version=\S+: no response headers within the connect\/headers deadline \(1 s\) \(attempt 1\); retrying in 15000 ms\.$/,
            );
        });
    });

    it('waits for a Retry-After HTTP-date, and does not retry one beyond the 60 s cap (as azcore)', async () => {
        const sent = new Date('2026-01-01T10:00:00Z');
        const later = (s: number) => new Date(sent.getTime() + s * 1000).toUTCString();
        await withArm(
            {
                disconnect: [{ status: 429, headers: { Date: sent.toUTCString(), 'Retry-After': later(40) } }, 200],
                subnetLinks: [[]],
            },
            async (access, _arm, _logs, slept) => {
                expect(await disconnectVnetIntegration(SITE, access)).toBe(true);
                expect(slept).toEqual([40_000]);
            },
        );
        await withArm(
            { disconnect: [{ status: 503, headers: { 'Retry-After': '120' } }], subnetLinks: [[]] },
            async (access) => {
                await expect(disconnectVnetIntegration(SITE, access)).rejects.toThrow(
                    /answered HTTP 503; the server asked to retry after 120 s, beyond our 60 s cap: like azcore, not retried\. ARM did not complete it/,
                );
            },
        );
    });

    it('refuses an id that is not an ARM resource id', async () => {
        await withArm({ disconnect: [], subnetLinks: [[]] }, async (access, arm) => {
            await expect(disconnectVnetIntegration('func-hello', access)).rejects.toThrow(
                /siteId 'func-hello' is not an ARM resource id/,
            );
            expect(arm.calls).toEqual([]);
        });
    });
});

describe('waiting for Azure to release the subnet after the site is deleted', () => {
    it('polls the subnet until it lists no service association link, logging what it waits for', async () => {
        await withArm(
            { disconnect: [], subnetLinks: [['legionservicelink'], 503, ['legionservicelink'], []] },
            async (access, arm, logs) => {
                expect(await waitUntilSubnetReleased(SUBNET, access)).toBe(4);
                expect(arm.calls[0]).toBe(`GET ${SUBNET}?api-version=${NETWORK_API_VERSION}`);
                expect(logs).toEqual(
                    expect.arrayContaining([
                        expect.stringContaining('still linked by legionservicelink'),
                        expect.stringContaining('no service association link'),
                    ]),
                );
            },
        );
    });

    it('is done at once when the subnet is already gone', async () => {
        await withArm({ disconnect: [], subnetLinks: [404] }, async (access) => {
            expect(await waitUntilSubnetReleased(SUBNET, access)).toBe(1);
        });
    });

    it('gives up after its timeout with what to do, naming the link and the known Azure issue', async () => {
        await withArm({ disconnect: [], subnetLinks: [['legionservicelink']] }, async (access) => {
            await expect(waitUntilSubnetReleased(SUBNET, access)).rejects.toThrow(
                /still linked by legionservicelink 1 min after the app was deleted \(Azure\/Azure-Functions#2605\).*run `pulumi destroy` again later/,
            );
        });
    });

    it('aborts a subnet read in flight when its deadline passes, trickling or not', async () => {
        await withArm({ disconnect: [], subnetLinks: [['legionservicelink']] }, async (access, arm) => {
            arm.misbehave(() => true, { kind: 'trickle', everyMs: 20 });
            await expect(waitUntilSubnetReleased(SUBNET, { ...access, timeoutMs: 500 })).rejects.toThrow(
                /^GET \S+\/subnets\/app\?api-version=\S+ was in flight when the 500 ms deadline of waiting for the subnet passed; aborted it\.$/,
            );
        });
    });

    it('fails at once with the role to grant when the subnet cannot be read', async () => {
        await withArm({ disconnect: [], subnetLinks: [403] }, async (access) => {
            await expect(waitUntilSubnetReleased(SUBNET, access)).rejects.toThrow(/HTTP 403.*subnets\/read/);
        });
    });
});
