import type { AppFunctions } from '../local-host/worker-channel/appFunctions';
import type { EpisodeRequest } from '../local-host/worker-process/episodeHistory';
import type { FunctionsCore, InvocationResponse, LogLevel } from '../local-host/worker-process/functionsCore';
import type { InvocationInput } from '../local-host/worker-process/protocol';
import type { AppClock } from './appClock';
import { atCaller } from './testFailure';

/** Stands in for an activity: gets its input, returns its result; throwing fails the activity as in Azure. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ActivityStub = (input: any) => unknown;

export interface ActivityCall {
    name: string;
    input: unknown;
}

/** A mistake in the test's expectations, not an activity failure: the kit fails the test with it. */
export class UnexpectedActivityInput extends Error {
    override name = 'UnexpectedActivityInput';
}

/**
 * A stub that answers from a table keyed by input (strings as they are, other inputs as JSON);
 * any other input fails the test, naming the input and the ones it knows.
 */
export function byInput(answers: Record<string, unknown>): ActivityStub {
    return (input: unknown) => {
        const key = typeof input === 'string' ? input : JSON.stringify(input);
        if (Object.prototype.hasOwnProperty.call(answers, key)) return answers[key];
        const known = Object.keys(answers)
            .map((k) => JSON.stringify(k))
            .join(', ');
        throw new UnexpectedActivityInput(
            `unexpected input ${JSON.stringify(input)}; the test expects one of: ${known}`,
        );
    };
}

/** Assertion errors (jest's expect, node:assert, byInput) thrown by a stub are test failures, not activity failures. */
function isTestFailure(err: unknown): err is Error {
    if (!(err instanceof Object)) return false;
    const e = err as { matcherResult?: unknown; code?: unknown; name?: unknown };
    return e.matcherResult !== undefined || e.code === 'ERR_ASSERTION' || e.name === 'UnexpectedActivityInput';
}

/**
 * The app's functions as the engine sees them, in this process: activities with a stub run the stub,
 * the others run the app's own registered function; every call is recorded; orchestrator episodes read
 * the kit's wall clock (AppClock).
 */
export class KitFunctions implements AppFunctions {
    readonly calls: ActivityCall[] = [];
    /** No HTTP in the kit: no streaming proxy to report. */
    readonly capabilities: AppFunctions['capabilities'] = {};
    testFailure: Error | undefined;

    constructor(
        private readonly core: FunctionsCore,
        private readonly clock: AppClock,
        private readonly stubs: Record<string, ActivityStub>,
    ) {
        const activities = this.namesOf('activityTrigger');
        for (const name of Object.keys(stubs)) {
            if (!activities.includes(name)) {
                const problem = `activities.${name}: the app registers no activity named '${name}' (its activities: ${activities.join(', ') || 'none'}).`;
                throw atCaller(
                    new Error(
                        `${problem} Stub only activities the app has, so a renamed or missing one fails the test as it would fail in Azure.`,
                    ),
                );
            }
        }
    }

    get registrations(): FunctionsCore['registrations'] {
        return this.core.registrations;
    }

    namesOf(triggerType: string): string[] {
        return [...this.core.registrations.values()]
            .filter((r) => r.trigger.type === triggerType)
            .map((r) => r.metadata.name);
    }

    async invoke(functionName: string, input: InvocationInput): Promise<InvocationResponse> {
        const registration = this.core.registrations.get(functionName);
        if (registration?.trigger.type !== 'activityTrigger') return this.core.invoke(functionName, input);
        const json = input.inputData[registration.triggerName]?.json;
        const value: unknown = json == null ? undefined : JSON.parse(json);
        const call = { name: functionName, input: value };
        this.calls.push(call);
        const stub = this.stubs[functionName];
        if (!stub) return this.core.invoke(functionName, input);
        try {
            const result = await stub(value);
            return { returnValue: { json: JSON.stringify(result ?? null) } };
        } catch (err) {
            if (isTestFailure(err)) this.#fail(call, err);
            throw err;
        }
    }

    invokeEpisode(functionName: string, request: EpisodeRequest): Promise<InvocationResponse> {
        return this.clock.duringEpisode(() => this.core.invokeEpisode(functionName, request));
    }

    endEpisodes(instanceId: string): void {
        this.core.endEpisodes(instanceId);
    }

    log(level: LogLevel, category: 'user' | 'system', message: string): void {
        this.core.log(level, category, message);
    }

    #fail(call: ActivityCall, err: Error): void {
        if (this.testFailure) return;
        const nth = this.calls.filter((c) => c.name === call.name).indexOf(call) + 1;
        const failure = new Error(
            `Activity '${call.name}' was called with unexpected input ${JSON.stringify(call.input)} (call ${nth} of '${call.name}'): ${err.message}`,
            { cause: err },
        );
        failure.name = 'UnexpectedActivityInput';
        failure.stack = `${failure.name}: ${failure.message}\n${(err.stack ?? '')
            .split('\n')
            .filter((line) => /^\s+at /.test(line))
            .join('\n')}`;
        this.testFailure = failure;
    }
}
