import { PolicyPack } from '@pulumi/policy';
import { policies } from './policies';

// Constructing the pack starts the analyzer's gRPC server, so tests import ./policies instead.
new PolicyPack('durable-hello-security', {
    description: 'Security invariants of the Durable Hello stack on Flex Consumption',
    enforcementLevel: 'mandatory',
    policies,
});
