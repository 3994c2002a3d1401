import * as pulumi from '@pulumi/pulumi';
import * as applicationinsights from '@pulumi/azure-native/applicationinsights';
import * as operationalinsights from '@pulumi/azure-native/operationalinsights';
import { childName } from './naming';
import { componentType, type Placement } from './placement';

export type MonitoringArgs = Placement;

/**
 * Log Analytics workspace + workspace-based Application Insights with local (instrumentation key)
 * auth disabled: telemetry is accepted only with an Entra token (Monitoring Metrics Publisher).
 */
export class Monitoring extends pulumi.ComponentResource {
    readonly appInsightsId: pulumi.Output<string>;
    readonly appInsightsName: pulumi.Output<string>;
    /** Not a secret: with local auth disabled it only locates the ingestion endpoint. */
    readonly connectionString: pulumi.Output<string>;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType('Monitoring'), name, {}, opts);
        const workspace = new operationalinsights.Workspace(
            childName(name, 'log'),
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                tags: args.tags,
                sku: { name: operationalinsights.WorkspaceSkuNameEnum.PerGB2018 },
                retentionInDays: 30,
            },
            { parent: this },
        );
        const appInsights = new applicationinsights.Component(
            childName(name, 'appi'),
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                tags: args.tags,
                kind: 'web',
                applicationType: applicationinsights.ApplicationType.Web,
                ingestionMode: applicationinsights.IngestionMode.LogAnalytics,
                workspaceResourceId: workspace.id,
                disableLocalAuth: true,
            },
            { parent: this },
        );
        this.appInsightsId = appInsights.id;
        this.appInsightsName = appInsights.name;
        this.connectionString = appInsights.connectionString;
        this.registerOutputs({ appInsightsName: this.appInsightsName });
    }
}
