import type { OrchestrationResult } from './orchestrationRun';

/**
 * A Failed orchestration's output is the status API's message: "Orchestrator function 'x' failed: <reason>",
 * followed by the serialized exception the host adds (`\n {"$type":...}`). The reason is the part a reader needs.
 */
export function failureReason(output: unknown): string {
    const text = typeof output === 'string' ? output : JSON.stringify(output);
    return text.split(/\s*\n\s*\{"\$type"/)[0].trim();
}

const OWN_FRAME = /[\\/](tools[\\/](testing|local-host)|node_modules)[\\/]|node:internal/;

/**
 * Where an activity's error was thrown: the first frame outside the kit, the host and node_modules of the stack
 * the worker reported ("Stack: ..." in the host's serialized exception). An orchestrator's own error carries no
 * stack: durable-functions sends only its message.
 */
export function thrownAt(output: unknown): string | undefined {
    if (typeof output !== 'string') return undefined;
    const json = /\n\s*(\{"\$type"[\s\S]*)$/.exec(output)?.[1];
    if (json === undefined) return undefined;
    const messages: string[] = [];
    try {
        for (
            let e = JSON.parse(json) as { Message?: string; InnerException?: unknown } | null;
            e;
            e = e.InnerException as typeof e
        )
            messages.push(e.Message ?? '');
    } catch {
        return undefined;
    }
    const frames = messages
        .join('\n')
        .split('\n')
        .filter((line) => /^\s+at /.test(line));
    return frames
        .find((line) => !OWN_FRAME.test(line))
        ?.trim()
        .replace(/^at /, '');
}

/** Why a run is not what the test expected, in words: its failure reason and the events it never waited for. */
export function explainRun(run: OrchestrationResult): string[] {
    const lines: string[] = [];
    if (run.runtimeStatus === 'Failed') {
        lines.push(`Reason: ${failureReason(run.output)}`);
        const at = thrownAt(run.output);
        if (at) lines.push(`Thrown at: ${at}`);
    }
    if (run.eventsNeverAwaited.length > 0) {
        lines.push(
            `Raised but never awaited: ${run.eventsNeverAwaited.map((n) => `'${n}'`).join(', ')} (event names are case-sensitive; check waitForExternalEvent and the test's events).`,
        );
    }
    return lines;
}

type Context = jest.MatcherContext;

export const orchestrationMatchers = {
    /**
     * `expect(run).toHaveCompleted()`, or `.toHaveCompleted(expectedOutput)`: the run is Completed (with that
     * output). When it is not, the failure says why: the failure reason, events raised but never awaited.
     */
    toHaveCompleted(this: Context, run: OrchestrationResult, ...expected: [] | [unknown]): jest.CustomMatcherResult {
        const completed = run.runtimeStatus === 'Completed';
        const outputMatches = expected.length === 0 || this.equals(run.output, expected[0]);
        const pass = completed && outputMatches;
        const subject = `Orchestration '${run.name}' (${run.instanceId})`;
        const message = (): string => {
            if (pass)
                return `${subject} completed${expected.length > 0 ? ` with ${this.utils.printExpected(expected[0])}` : ''}, which the test expected it not to.`;
            const head = completed
                ? `${subject} completed with another output:\n${this.utils.printDiffOrStringify(expected[0], run.output, 'Expected output', 'Received output', this.expand !== false)}`
                : `${subject} is ${run.runtimeStatus}, not Completed.`;
            return [head, ...explainRun(run)].join('\n');
        };
        return { pass, message };
    },
};

declare global {
    // eslint-disable-next-line @typescript-eslint/no-namespace
    namespace jest {
        interface Matchers<R> {
            /** The orchestration is Completed (with this output); else the failure says why. */
            toHaveCompleted(expectedOutput?: unknown): R;
        }
    }
}

// Under jest, loading the kit registers the matcher.
(globalThis as { expect?: { extend?(matchers: object): void } }).expect?.extend?.(orchestrationMatchers);
