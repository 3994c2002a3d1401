import type { RecordedInstance } from './instances';

export interface DeployedArgs {
    stack?: string;
    appName?: string;
    resourceGroup?: string;
    subscription?: string;
}

/** The unfinished instances of the deployed app's task hub (see azureStorage/). */
export async function readDeployed(args: DeployedArgs, progress: (line: string) => void): Promise<RecordedInstance[]> {
    void progress;
    throw new Error(`Reading the deployed app (${args.stack ?? args.appName}) is not available yet.`);
}
