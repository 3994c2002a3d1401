import * as os from 'node:os';
import type { RestartFigures } from './restart';
import type { ScalingFigures, ScalingPoint } from './scaling';

/** The figures `dist/bench.json` holds (the keys first, then what explains them). */
export interface BenchFigures {
    packageBytes: number;
    packageFiles: number;
    naivePackageBytes: number;
    naivePackageFiles: number;
    loadRatio: number;
    helloMedianMs: number;
    helloP95Ms: number;
    concurrent200Seconds: number;
    /** The same hellos on the in-process host at BASELINE_COMMIT, in the same run. */
    baseline: { commit: string; helloMedianMs: number; helloP95Ms: number; concurrent200Seconds: number };
    bundledLoadMedianMs: number;
    unbundledLoadMedianMs: number;
    loadRuns: number;
    helloRuns: number;
    /** Each case's host time and its floor (same orchestration, same invocation path, no HTTP, store or IPC). */
    scaling: ScalingFigures;
    /** Host start → listening with that many finished instances on disk. */
    restartWith10kInstancesSeconds: number;
    restart: Omit<RestartFigures, 'restartWith10kInstancesSeconds'>;
    machine: { cpus: number; memoryGiB: number; node: string; platform: string };
    date: string;
}

export interface GoalRow {
    metric: string;
    goal: string;
    measured: string;
    /** measured ÷ goal limit, oriented so that ≤ 1 meets the goal. */
    ratio: number;
    met: boolean;
}

const kb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`);

export function machine(): BenchFigures['machine'] {
    return {
        cpus: os.availableParallelism(),
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        platform: `${os.platform()} ${os.arch()}`,
    };
}

/**
 * The goals, reported (not asserted): package ≥14× smaller, loadRatio ≤0.75, hello median and 200
 * concurrent hellos ≤1.2× the in-process host at 4e909cf (issue 25), every scaling case ≤1.5× its floor, restart with
 * 10k finished instances ≤2 s, and host memory bounded (RSS after all the hellos ≤1.5× RSS after the first tenth); the
 * disk the hellos use is reported.
 */
export function goalRows(f: BenchFigures): GoalRow[] {
    const shrink = f.naivePackageBytes / f.packageBytes;
    const r = f.restart;
    const b = f.baseline;
    const rows: Omit<GoalRow, 'met'>[] = [
        {
            metric: 'package size vs naive zip',
            goal: '≥ 14× smaller',
            measured: `${kb(f.packageBytes)} (${f.packageFiles} files) vs ${kb(f.naivePackageBytes)} (${f.naivePackageFiles} files): ${shrink.toFixed(1)}× smaller`,
            ratio: 14 / shrink,
        },
        {
            metric: 'cold load, bundle ÷ tsc output',
            goal: '≤ 0.75',
            measured: `${f.loadRatio.toFixed(2)} (${f.bundledLoadMedianMs.toFixed(1)} ms vs ${f.unbundledLoadMedianMs.toFixed(1)} ms, medians of ${f.loadRuns})`,
            ratio: f.loadRatio / 0.75,
        },
        {
            metric: 'hello start → Completed, median',
            goal: `≤ 1.2× the in-process host (${b.commit})`,
            measured: `${f.helloMedianMs.toFixed(1)} ms vs ${b.helloMedianMs.toFixed(1)} ms: ${(f.helloMedianMs / b.helloMedianMs).toFixed(2)}× (p95 ${f.helloP95Ms.toFixed(1)} vs ${b.helloP95Ms.toFixed(1)} ms, ${f.helloRuns} runs)`,
            ratio: f.helloMedianMs / b.helloMedianMs / 1.2,
        },
        {
            metric: '200 concurrent hellos',
            goal: `≤ 1.2× the in-process host (${b.commit})`,
            measured: `${f.concurrent200Seconds.toFixed(2)} s vs ${b.concurrent200Seconds.toFixed(2)} s: ${(f.concurrent200Seconds / b.concurrent200Seconds).toFixed(2)}×`,
            ratio: f.concurrent200Seconds / b.concurrent200Seconds / 1.2,
        },
        ...f.scaling.sequence.map((p) => scalingRow('sequence', p)),
        ...f.scaling.fanOut.map((p) => scalingRow('fan-out', p)),
        {
            metric: `restart with ${r.finishedInstances} finished instances`,
            goal: '≤ 2 s to listening',
            measured: `${f.restartWith10kInstancesSeconds.toFixed(2)} s (empty data dir: ${r.emptyStartSeconds.toFixed(2)} s)`,
            ratio: f.restartWith10kInstancesSeconds / 2,
        },
        {
            metric: `host RSS after ${r.finishedInstances} hellos`,
            goal: '≤ 1.5× RSS after the first tenth',
            measured: `${r.rssAfterAllMiB.toFixed(0)} MiB (after ${r.finishedInstances / 10}: ${r.rssAfterTenthMiB.toFixed(0)} MiB)`,
            ratio: r.rssAfterAllMiB / r.rssAfterTenthMiB / 1.5,
        },
    ];
    const disk = {
        metric: `disk used by ${r.finishedInstances} hellos`,
        goal: 'reported',
        measured: `${kb(r.diskBytes)} (${kb(r.diskBytes / r.finishedInstances)} per instance)`,
        ratio: 0,
    };
    return [...rows, disk].map((row) => ({ ...row, met: row.ratio <= 1 }));
}

function scalingRow(kind: string, p: ScalingPoint): Omit<GoalRow, 'met'> {
    const ratio = p.seconds / p.floorSeconds;
    return {
        metric: `${kind} of ${p.n} activities, host ÷ floor`,
        goal: '≤ 1.5',
        measured: `${ratio.toFixed(2)} (${p.seconds.toFixed(2)} s vs floor ${p.floorSeconds.toFixed(2)} s)`,
        ratio: ratio / 1.5,
    };
}

export function formatTable(rows: GoalRow[]): string {
    const header = ['metric', 'goal', 'measured', 'ratio', 'result'];
    const cells = rows.map((r) => [r.metric, r.goal, r.measured, r.ratio.toFixed(2), r.met ? 'pass' : 'MISS']);
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
    return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
