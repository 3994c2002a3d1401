import * as df from 'durable-functions';
import { ActivityHandler, OrchestrationHandler } from 'durable-functions';

const failures = new Map<string, number>();

/** Fails while `name` has failed fewer than `times` times. */
const failTimes: ActivityHandler = ({ name, times }: { name: string; times: number }): string => {
    const failed = failures.get(name) ?? 0;
    if (failed < times) {
        failures.set(name, failed + 1);
        throw new Error(`Failure ${failed + 1} of ${name}`);
    }
    return `${name} succeeded`;
};
df.app.activity('FailTimes', { handler: failTimes });

const failFast: OrchestrationHandler = function* (context) {
    return yield context.df.callActivity('FailTimes', context.df.getInput());
};
df.app.orchestration('FailFast', failFast);

/** Fails only once told to go: its failure reaches a parent that has already failed. */
const failLate: OrchestrationHandler = function* (context) {
    yield context.df.waitForExternalEvent('go');
    return yield context.df.callActivity('FailTimes', context.df.getInput());
};
df.app.orchestration('FailLate', failLate);

const parent: OrchestrationHandler = function* (context) {
    const run = context.df.getInput<string>();
    return yield context.df.Task.all([
        context.df.callSubOrchestrator('FailFast', { name: `${run}-fast`, times: 1 }),
        context.df.callSubOrchestrator('FailLate', { name: `${run}-late`, times: 1 }),
    ]);
};
df.app.orchestration('RewindParent', parent);
