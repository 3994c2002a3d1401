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

/**
 * The nested case of the extension's BasicNode RewindOrchestration e2e function: a parent whose
 * sub-orchestration's sub-orchestration fails (two failing activities in a Task.all, so one failure
 * arrives after the child has failed), with entity calls and a signal on the way.
 */
const counter = new df.EntityId('InvocationCounter', 'rewind');
df.app.entity('InvocationCounter', (context) => {
    context.df.setState(Number(context.df.getState(() => 0) ?? 0) + 1);
});

const nestedLeaf: OrchestrationHandler = function* (context) {
    const run = context.df.getInput<string>();
    context.df.signalEntity(counter, 'signal');
    yield context.df.Task.all([
        context.df.callActivity('FailTimes', { name: `${run}-ok`, times: 0 }),
        context.df.callActivity('FailTimes', { name: `${run}-a`, times: 1 }),
        context.df.callActivity('FailTimes', { name: `${run}-b`, times: 1 }),
        context.df.callEntity(counter, 'call'),
    ]);
    return `${run} leaf done`;
};
df.app.orchestration('RewindNestedLeaf', nestedLeaf);

const nestedMiddle: OrchestrationHandler = function* (context) {
    const run = context.df.getInput<string>();
    yield context.df.callActivity('FailTimes', { name: `${run}-first`, times: 0 });
    yield context.df.callEntity(counter, 'call');
    return yield context.df.callSubOrchestrator('RewindNestedLeaf', `${run}-leaf`);
};
df.app.orchestration('RewindNestedMiddle', nestedMiddle);

const nestedRoot: OrchestrationHandler = function* (context) {
    const run = context.df.getInput<string>();
    return yield context.df.Task.all([
        context.df.callSubOrchestrator('RewindNestedMiddle', `${run}-m1`),
        context.df.callSubOrchestrator('RewindNestedMiddle', `${run}-m2`),
        context.df.callActivity('FailTimes', { name: `${run}-sibling`, times: 0 }),
    ]);
};
df.app.orchestration('RewindNestedRoot', nestedRoot);
