import * as pulumi from '@pulumi/pulumi';
import type * as authorization from '@pulumi/azure-native/authorization';
import * as durabletask from '@pulumi/azure-native/durabletask';
import type { DurableTaskSchedulerConfig } from '../config';
import { assignRoles } from '../roles';
import { childName } from './naming';
import { componentType, type Placement } from './placement';

export const TASK_HUB = 'durable-hello';

export type SchedulerArgs = Placement & DurableTaskSchedulerConfig;

/**
 * The Durable Task Scheduler backend: a scheduler and its task hub, and (optionally) the dashboard
 * role for a person or group. The app's own role on the scheduler is granted with its identity.
 */
export class DurableTaskScheduler extends pulumi.ComponentResource {
    readonly id: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<string>;
    readonly taskHubName: pulumi.Output<string>;
    readonly dashboardUrl: pulumi.Output<string>;
    readonly dashboardRoleAssignments: authorization.RoleAssignment[];

    constructor(name: string, args: SchedulerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType('DurableTaskScheduler'), name, {}, opts);
        const scheduler = new durabletask.Scheduler(
            childName(name, 'dts'),
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                tags: args.tags,
                properties: {
                    sku: { name: args.sku, ...(args.capacity === undefined ? {} : { capacity: args.capacity }) },
                    // Identity (Durable Task Data Contributor) guards the data plane; the app's egress address
                    // is not fixed on Flex Consumption, so the address filter stays open, as in Microsoft's template.
                    ipAllowlist: ['0.0.0.0/0'],
                },
            },
            { parent: this },
        );
        const taskHub = new durabletask.TaskHub(
            childName(name, 'taskhub'),
            { resourceGroupName: args.resourceGroupName, schedulerName: scheduler.name, taskHubName: TASK_HUB },
            { parent: this },
        );
        this.id = scheduler.id;
        this.endpoint = scheduler.properties.endpoint;
        this.taskHubName = taskHub.name;
        this.dashboardUrl = pulumi.interpolate`https://dashboard.durabletask.io/?endpoint=${this.endpoint.apply(encodeURIComponent)}&taskhub=${taskHub.name}`;
        this.dashboardRoleAssignments = args.dashboardPrincipal
            ? assignRoles(
                  childName(name, 'dashboard'),
                  [
                      {
                          role: 'Durable Task Data Contributor',
                          scope: scheduler.id,
                          principalId: args.dashboardPrincipal.id,
                          principalType: args.dashboardPrincipal.type,
                      },
                  ],
                  this,
              )
            : [];
        this.registerOutputs({ endpoint: this.endpoint, dashboardUrl: this.dashboardUrl });
    }
}
