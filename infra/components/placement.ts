import type * as pulumi from '@pulumi/pulumi';

/** Where every resource of a component goes and how it is tagged. */
export interface Placement {
    resourceGroupName: pulumi.Input<string>;
    location: pulumi.Input<string>;
    tags: Record<string, string>;
}

/** Component type tokens: `<package>:<module>:<type>`. */
export const componentType = (name: string): string => `durable-hello:infra:${name}`;
