import * as path from 'node:path';
import { createFloor } from './floor';
import { runToCompletion } from './helloClient';
import { startHostProcess } from './hostProcess';
import { median } from './stats';

export interface ScalingPoint {
    n: number;
    seconds: number;
    floorSeconds: number;
}

export interface ScalingFigures {
    sequence: ScalingPoint[];
    fanOut: ScalingPoint[];
}

export const SCALING_SIZES = { sequence: [100, 400, 1600], fanOut: [1000, 4000, 16000] };
/** Untimed runs of the smallest n of a kind, on both sides, before the timed ones. */
export const WARM_UP_RUNS = 3;
/** Runs per case, host and floor alternating (the median counts). */
export const REPEATS = 3;
/**
 * A case whose first host and floor runs took longer than this together runs once (the longest, a sequence of 1,600,
 * takes about 20 s a side and varies little); a shorter one varies more from run to run on a busy machine.
 */
export const ONE_RUN_AFTER_S = 20;
/** Both sides notice completion by polling at the same interval. */
export const POLL_MS = 5;

/** 0 + 1 + ... + (n-1): what both orchestrations return (each step answers its index). */
const expectedSum = (n: number): number => (n * (n - 1)) / 2;

/**
 * Each case on the host (HTTP start, Durable HTTP API status polls, worker process, store) and on
 * the floor, alternating so machine noise hits both alike, after WARM_UP_RUNS untimed runs of the
 * smallest n on both; medians of REPEATS runs.
 */
export async function measureScaling(
    repoRoot: string,
    sizes: typeof SCALING_SIZES,
    step: (what: string) => void,
): Promise<ScalingFigures> {
    const appDir = path.join(repoRoot, 'tools', 'bench', 'scaling-app');
    const floor = await createFloor(appDir, path.join(repoRoot, 'dist', 'bench'), POLL_MS);
    const host = await startHostProcess(repoRoot, { app: appDir });
    const figures: ScalingFigures = { sequence: [], fanOut: [] };
    const onHost = async (kind: string, n: number): Promise<{ seconds: number; output: unknown }> => {
        const { ms, output } = await runToCompletion(
            host.baseUrl,
            `/runtime/webhooks/durabletask/orchestrators/${kind}`,
            JSON.stringify(n),
            POLL_MS,
            30 * 60_000,
        );
        return { seconds: ms / 1000, output };
    };
    try {
        for (const kind of ['sequence', 'fanOut'] as const) {
            // Untimed, on both: the first runs of a kind pay for JIT compilation on either side (the host's two
            // processes take longer to reach their steady pace than the floor's one).
            for (let i = 0; i < WARM_UP_RUNS; i++) {
                await onHost(kind, sizes[kind][0]);
                await floor.run(kind, sizes[kind][0]);
            }
            for (const n of sizes[kind]) {
                step(`scaling: ${kind} of ${n} activities, host then floor, up to ${REPEATS} times`);
                const hostSeconds: number[] = [];
                const floorSeconds: number[] = [];
                for (let i = 0; i < REPEATS; i++) {
                    if (i === 1 && hostSeconds[0] + floorSeconds[0] > ONE_RUN_AFTER_S) break;
                    const [h, f] = [await onHost(kind, n), await floor.run(kind, n)];
                    for (const [where, output] of [
                        ['host', h.output],
                        ['floor', f.output],
                    ] as const) {
                        if (output !== expectedSum(n))
                            throw new Error(
                                `${kind}(${n}) on the ${where} returned ${JSON.stringify(output)}, expected ${expectedSum(n)}`,
                            );
                    }
                    hostSeconds.push(h.seconds);
                    floorSeconds.push(f.seconds);
                }
                figures[kind].push({ n, seconds: median(hostSeconds), floorSeconds: median(floorSeconds) });
            }
        }
    } finally {
        await host.stop();
    }
    return figures;
}
