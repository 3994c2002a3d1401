import * as pulumi from '@pulumi/pulumi';
import * as network from '@pulumi/azure-native/network';
import * as privatedns from '@pulumi/azure-native/privatedns';
import { childName } from './naming';
import type { Placement } from './placement';

export type StorageService = 'blob' | 'queue' | 'table';

export interface PrivateStorageAccess {
    subnetId: pulumi.Input<string>;
    virtualNetworkId: pulumi.Input<string>;
    /** The storage services the app uses: blob, queue and table for Durable's Azure Storage backend. */
    services: StorageService[];
}

/**
 * For each service: a private endpoint in the private-endpoint subnet and the `privatelink.<service>`
 * DNS zone linked to the network, so `<account>.<service>.core.windows.net` resolves to the private
 * address inside the network. Returns what the app must wait for.
 */
export function privateEndpoints(
    component: string,
    placement: Placement,
    accountId: pulumi.Input<string>,
    access: PrivateStorageAccess,
    parent: pulumi.Resource,
): pulumi.Resource[] {
    return access.services.flatMap((service) => {
        const zone = new privatedns.PrivateZone(
            childName(component, `dns-${service}`),
            {
                resourceGroupName: placement.resourceGroupName,
                privateZoneName: `privatelink.${service}.core.windows.net`,
                location: 'global',
                tags: placement.tags,
            },
            { parent },
        );
        const link = new privatedns.VirtualNetworkLink(
            childName(component, `dns-${service}-link`),
            {
                resourceGroupName: placement.resourceGroupName,
                privateZoneName: zone.name,
                location: 'global',
                tags: placement.tags,
                virtualNetwork: { id: access.virtualNetworkId },
                registrationEnabled: false,
            },
            { parent },
        );
        const endpoint = new network.PrivateEndpoint(
            childName(component, `pe-${service}`),
            {
                resourceGroupName: placement.resourceGroupName,
                location: placement.location,
                tags: placement.tags,
                subnet: { id: access.subnetId },
                privateLinkServiceConnections: [
                    { name: `storage-${service}`, privateLinkServiceId: accountId, groupIds: [service] },
                ],
            },
            { parent },
        );
        const dnsGroup = new network.PrivateDnsZoneGroup(
            childName(component, `pe-${service}-dns`),
            {
                resourceGroupName: placement.resourceGroupName,
                privateEndpointName: endpoint.name,
                privateDnsZoneGroupName: 'default',
                privateDnsZoneConfigs: [{ name: `privatelink-${service}`, privateDnsZoneId: zone.id }],
            },
            { parent },
        );
        return [link, endpoint, dnsGroup];
    });
}
