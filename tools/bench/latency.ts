import { runHello } from './helloClient';
import { median, percentile } from './stats';

export interface LatencyFigures {
    helloMedianMs: number;
    helloP95Ms: number;
    helloRuns: number;
    concurrent200Seconds: number;
}

/**
 * Sequential polls are tight (2 ms) to time each hello closely; 200 concurrent pollers back off to 20 ms so polling
 * does not swamp the host.
 */
export const SEQUENTIAL_POLL_MS = 2;
export const CONCURRENT_POLL_MS = 20;

export async function measureLatency(baseUrl: string, runs: number, concurrent: number): Promise<LatencyFigures> {
    for (let i = 0; i < 5; i++) await runHello(baseUrl, SEQUENTIAL_POLL_MS); // warm-up: JIT, first file writes
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await runHello(baseUrl, SEQUENTIAL_POLL_MS));
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrent }, () => runHello(baseUrl, CONCURRENT_POLL_MS, 60_000)));
    const concurrentSeconds = (performance.now() - started) / 1000;
    return {
        helloMedianMs: median(samples),
        helloP95Ms: percentile(samples, 95),
        helloRuns: runs,
        concurrent200Seconds: concurrentSeconds,
    };
}
