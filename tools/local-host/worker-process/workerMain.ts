import * as inspector from 'node:inspector';
import { Worker } from 'node:worker_threads';
import { EventType, historyEvent, type HistoryEvent } from '../model/history';
import { HistoryCache } from './episodeHistory';
import type { FunctionsCore, InvocationResponse, LogLevel } from './functionsCore';
import { activityResultJson } from './invoke';
import { loadBundle } from './loadBundle';
import {
    EPISODE_NOT_RUN,
    EPISODE_STALE,
    fromWire,
    Outbox,
    serializeError,
    toWire,
    unbatch,
    writeEach,
    type Batch,
    type FollowingEpisode,
    type HostMessage,
    type WorkerMessage,
    type WorkerStart,
} from './protocol';

/**
 * The worker process: loads the app, provides `@azure/functions-core` and invokes functions for the
 * host, as the Node worker does for the Functions host (azure-functions-nodejs-worker). Only app
 * code runs here; the host owns HTTP, the engine, timers and the store.
 */
const outbox = new Outbox<WorkerMessage>((message) =>
    writeEach(
        (m) => void process.send?.(m),
        message,
        (unsent, err) => {
            // A result too deeply nested for the channel fails its invocation instead of the worker.
            if (unsent.type === 'response')
                process.send?.({
                    type: 'failure',
                    invocationId: unsent.invocationId,
                    error: serializeError(new Error(`The result could not be sent to the host: ${err.message}`)),
                });
        },
    ),
);
const send = (message: WorkerMessage): void => outbox.send(message);
const log = (level: LogLevel, category: 'user' | 'system', message: string): void =>
    outbox.send({ type: 'log', level, category, message }, true);
const running = new Map<string, string>();
const histories = new HistoryCache();
/** By instance: the activity results sent to the host (an episode request says how many it had received). */
const resultsSent = new Map<string, number>();
let lastInvoked: string | undefined;

/** Which function the app code that failed belongs to, as far as the worker can tell. */
function blame(): string {
    const names = [...new Set(running.values())];
    if (names.length > 0) return ` (running: ${names.join(', ')})`;
    return lastInvoked ? ` (after function '${lastInvoked}' ran)` : '';
}

// As the Node worker (src/startApp.ts): an uncaught exception, or a rejection nobody handles, is logged
// and ends the worker with exit code 1; the host restarts it. The host itself never sees app code fail.
process.on('uncaughtException', (err: Error) => {
    log('error', 'system', `Worker uncaught exception${blame()}: ${err?.stack ?? String(err)}`);
    outbox.flush();
    process.exit(1);
});
// Ctrl-C reaches the whole process group: the host decides when the worker stops (after appTerminate hooks).
process.on('SIGINT', () => undefined);
process.on('disconnect', () => process.exit(0));
// Log lines wait for the next message or the end of the turn (Outbox `lazy`): app code that calls process.exit still
// gets them out.
process.on('exit', () => outbox.flush());
watchParent();

async function main(): Promise<void> {
    const start = JSON.parse(process.env.DURABLE_LOCAL_WORKER ?? '{}') as WorkerStart;
    let debuggerUrl: string | undefined;
    if (start.inspectPort !== undefined) debuggerUrl = inspector.url() ?? openInspector(start.inspectPort);
    let core: FunctionsCore;
    try {
        core = await loadBundle(start.bundle, start.appDir, log);
    } catch (err) {
        send({ type: 'loadFailed', error: serializeError(err) });
        outbox.flush();
        process.exitCode = 1;
        process.disconnect?.();
        return;
    }
    const functions = [...core.registrations.values()].map(({ metadata, triggerName, trigger }) => ({
        metadata,
        triggerName,
        trigger,
    }));
    process.on('message', (message: HostMessage | Batch<HostMessage>) =>
        unbatch(message).forEach((m) => void handle(core, fromWire(m))),
    );
    send({ type: 'loaded', functions, capabilities: core.capabilities, debuggerUrl });
}

async function handle(core: FunctionsCore, message: HostMessage): Promise<void> {
    if (message.type === 'terminate') {
        await core
            .runHooks('appTerminate', { hookData: {}, appHookData: {} })
            .catch((err: Error) => log('error', 'system', `appTerminate hook failed: ${err?.stack ?? err}`));
        outbox.flush();
        process.exit(0);
    }
    if (message.type === 'environment') return void Object.assign(process.env, message.values);
    const { invocationId, functionName } = message;
    if (message.type === 'episode') forgetInstances(message.forget);
    if (message.type === 'episode' && isStale(message)) {
        // Its history is still taken in (the next request sends only what follows); a miss shows on that request.
        try {
            histories.remember(message.episode);
        } catch {
            histories.forget([message.episode.fields.instanceId]);
        }
        const error = { name: EPISODE_STALE, message: 'Results for the instance were sent after this was asked for.' };
        return send({ type: 'failure', invocationId, error });
    }
    // A following episode's history is taken in now, in the order the host sent it, before any later episode's.
    const then = message.type === 'invoke' && message.then ? followingEpisode(message.then) : undefined;
    let activity: InvocationResponse | undefined;
    running.set(invocationId, functionName);
    lastInvoked = functionName;
    try {
        const { inputData, triggerMetadata } =
            message.type === 'episode'
                ? { inputData: histories.inputData(message.episode), triggerMetadata: undefined }
                : message;
        activity = await core.invoke(functionName, { invocationId, inputData, triggerMetadata });
        send({ type: 'response', invocationId, response: toWire(activity) });
    } catch (err) {
        activity = undefined;
        send({ type: 'failure', invocationId, error: serializeError(err) });
    } finally {
        running.delete(invocationId);
        if (message.type === 'invoke' && message.instance !== undefined)
            resultsSent.set(message.instance, (resultsSent.get(message.instance) ?? 0) + 1);
    }
    if (then) await runFollowing(core, then, activity);
}

/** Drops what the worker keeps for instances the host is done with: their history and their result count. */
function forgetInstances(instanceIds: string[]): void {
    histories.forget(instanceIds);
    for (const id of instanceIds) resultsSent.delete(id);
}

/**
 * Whether an episode the host may have asked for too early misses results this worker already sent (a fan-out's
 * later results overtake the episode that its first ones started).
 */
function isStale(message: Extract<HostMessage, { type: 'episode' }>): boolean {
    const sent = resultsSent.get(message.episode.fields.instanceId) ?? 0;
    return message.seen !== undefined && sent > message.seen;
}

/**
 * Takes in the following episode's committed history (the episode then runs on exactly that history), or the reason
 * it cannot (the worker lacks the start of that history).
 */
function followingEpisode(then: FollowingEpisode): { then: FollowingEpisode; error?: unknown } {
    try {
        forgetInstances(then.forget);
        const { count } = histories.remember(then.episode);
        return { then: { ...then, episode: { ...then.episode, from: count, past: [] } } };
    } catch (error) {
        return { then, error };
    }
}

/**
 * The episode the host asked to follow an activity (protocol.ts FollowingEpisode), with the TaskCompleted the host
 * builds from the same response; when the activity failed the host runs the episode itself.
 */
async function runFollowing(
    core: FunctionsCore,
    following: { then: FollowingEpisode; error?: unknown },
    activity: InvocationResponse | undefined,
): Promise<void> {
    const { then } = following;
    const { invocationId, functionName } = then;
    let result: string | undefined;
    try {
        if (following.error) throw following.error;
        result = activity && activityResultJson(activity);
    } catch (err) {
        return send({ type: 'failure', invocationId, error: serializeError(err) });
    }
    if (result === undefined) {
        const error = { name: EPISODE_NOT_RUN, message: 'The activity failed: the host runs the episode itself.' };
        return send({ type: 'failure', invocationId, error });
    }
    // The activity's answer leaves first: the host commits it while this runs, and an orchestrator that hangs here is
    // timed out (and blamed) as itself, not as the activity.
    outbox.flush();
    const started = new Date();
    const newEvents: HistoryEvent[] = [
        historyEvent(EventType.OrchestratorStarted, started),
        historyEvent(EventType.TaskCompleted, started, { TaskScheduledId: then.taskScheduledId, Result: result }),
    ];
    running.set(invocationId, functionName);
    lastInvoked = functionName;
    try {
        const inputData = histories.inputData({ ...then.episode, newEvents });
        const response = await core.invoke(functionName, { invocationId, inputData });
        send({ type: 'response', invocationId, response: toWire(response), started: started.toISOString() });
    } catch (err) {
        send({ type: 'failure', invocationId, error: serializeError(err), started: started.toISOString() });
    } finally {
        running.delete(invocationId);
    }
}

function openInspector(port: number): string {
    inspector.open(port, '127.0.0.1', false);
    const url = inspector.url();
    if (!url) throw new Error(`Could not open the Node inspector on 127.0.0.1:${port}`);
    return url;
}

/**
 * A host killed with `kill -9` cannot stop its worker; a worker spinning in app code or paused at a
 * breakpoint would not notice the closed channel. A small thread checks the parent pid and ends the
 * process once the host is gone (Linux has PR_SET_PDEATHSIG for this; Node does not expose it).
 */
function watchParent(): void {
    const source = `const ppid = process.ppid; setInterval(() => { if (process.ppid !== ppid) process.kill(${process.pid}, 'SIGKILL'); }, 250);`;
    new Worker(source, { eval: true }).unref();
}

main().catch((err: Error) => {
    send({ type: 'loadFailed', error: serializeError(err) });
    outbox.flush();
    process.exit(1);
});
