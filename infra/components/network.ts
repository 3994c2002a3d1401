import * as pulumi from '@pulumi/pulumi';
import * as network from '@pulumi/azure-native/network';
import type { AddressRanges } from '../addressRanges';
import { TeardownStep } from '../teardown/provider';
import { childName } from './naming';
import { componentType, type Placement } from './placement';

export interface NetworkArgs extends Placement {
    addressRanges: AddressRanges;
}

export const APP_SUBNET = 'app';
export const PRIVATE_ENDPOINT_SUBNET = 'private-endpoints';

/**
 * The virtual network of the isolated option: an app subnet delegated to Microsoft.App/environments
 * (Flex Consumption VNet integration; the app's outbound traffic leaves through it) and a subnet for
 * the storage private endpoints. Subnets are declared inline so the network is one resource to diff.
 */
export class AppNetwork extends pulumi.ComponentResource {
    readonly virtualNetworkId: pulumi.Output<string>;
    readonly appSubnetId: pulumi.Output<string>;
    readonly privateEndpointSubnetId: pulumi.Output<string>;
    /**
     * Put it in the site's dependsOn: on destroy it runs after the site is deleted and before the network is,
     * waiting until Azure removed the app subnet's service association link (infra/teardown/releaseSubnet.ts).
     */
    readonly appSubnetRelease: pulumi.Resource;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType('Network'), name, {}, opts);
        const vnet = new network.VirtualNetwork(
            childName(name, 'vnet'),
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                tags: args.tags,
                addressSpace: { addressPrefixes: [args.addressRanges.virtualNetwork] },
                subnets: [
                    {
                        name: APP_SUBNET,
                        addressPrefix: args.addressRanges.appSubnet,
                        delegations: [{ name: 'flex-consumption', serviceName: 'Microsoft.App/environments' }],
                        // Explicit: the app reaches Entra ID, App Insights (and the scheduler) over the internet.
                        defaultOutboundAccess: true,
                    },
                    {
                        name: PRIVATE_ENDPOINT_SUBNET,
                        addressPrefix: args.addressRanges.privateEndpointSubnet,
                        privateEndpointNetworkPolicies: network.VirtualNetworkPrivateEndpointNetworkPolicies.Disabled,
                        defaultOutboundAccess: false,
                    },
                ],
            },
            { parent: this },
        );
        this.virtualNetworkId = vnet.id;
        this.appSubnetId = pulumi.interpolate`${vnet.id}/subnets/${APP_SUBNET}`;
        this.privateEndpointSubnetId = pulumi.interpolate`${vnet.id}/subnets/${PRIVATE_ENDPOINT_SUBNET}`;
        this.appSubnetRelease = new TeardownStep(
            childName(name, 'app-subnet-release'),
            { step: 'waitUntilSubnetReleased', resourceId: this.appSubnetId },
            { parent: this },
        );
        this.registerOutputs({ virtualNetworkId: this.virtualNetworkId });
    }
}
