import { integerValue, parseCommandArgs, readArgs, type CommandSpec } from '../cli/args';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startHostProcess } from './hostProcess';
import { BASELINE_COMMIT, baselineCheckout } from './baseline';
import { measureLatency, type LatencyFigures } from './latency';
import { measureLoad } from './loadTime';
import { measurePackages } from './packages';
import { formatTable, goalRows, machine, type BenchFigures } from './report';
import { measureRestart } from './restart';
import { measureScaling, SCALING_SIZES } from './scaling';

export const BENCH_COMMAND = {
    name: 'bench',
    usage: `usage: npm run bench [-- --runs <n>] [--load-runs <n>] [--baseline-dir <dir>] [--quick]

  --runs <n>             sequential hellos on the local host (default 100, at least 100)
  --load-runs <n>        fresh processes per variant for the cold-load times (default 15, at least 10)
  --baseline-dir <dir>   where the in-process host at 4e909cf is checked out as a git worktree (default dist/bench-base; added when missing)
  --quick                smaller scaling cases and 1,000 instead of 10,000 hellos for the restart case, to try it out`,
    options: {
        runs: { type: 'string' },
        'load-runs': { type: 'string' },
        'baseline-dir': { type: 'string' },
        quick: { type: 'boolean' },
    },
} satisfies CommandSpec;

/**
 * --quick: a quarter of each scaling size and 1,000 hellos for the restart case (docs/benchmarks.md's table is from a
 * full run).
 */
const QUICK = { sequence: [25, 100, 400], fanOut: [250, 1000, 4000], restartHellos: 1000 };

/** The bench's options; throws UsageError on bad usage. */
export function parseArgs(argv: string[]): { runs: number; loadRuns: number; quick: boolean; baselineDir?: string } {
    const { values } = parseCommandArgs(BENCH_COMMAND, argv);
    return {
        runs: values.runs === undefined ? 100 : integerValue('--runs', values.runs, 100, 1_000_000),
        loadRuns: values['load-runs'] === undefined ? 15 : integerValue('--load-runs', values['load-runs'], 10, 10_000),
        quick: values.quick ?? false,
        baselineDir: values['baseline-dir'] === undefined ? undefined : path.resolve(values['baseline-dir']),
    };
}

/** Returns the exit code (0, or 2 on bad usage); a failed measurement rejects. */
export async function main(argv: string[], repoRoot: string, probeScript: string): Promise<number> {
    const read = readArgs(BENCH_COMMAND, argv, parseArgs);
    if (!read.ok) return read.exitCode;
    const { runs, loadRuns, quick, baselineDir } = read.value;
    const step = (what: string) => process.stderr.write(`bench: ${what}\n`);
    step('compiling the app (tsc -p app)');
    execFileSync(
        process.execPath,
        [require.resolve('typescript/bin/tsc', { paths: [repoRoot] }), '-p', path.join(repoRoot, 'app')],
        { stdio: 'inherit' },
    );
    step('building dist/app.zip and the naive zip of app/ + production node_modules');
    const packages = measurePackages(repoRoot);
    step(`timing cold loads (${loadRuns} fresh processes per variant)`);
    const load = measureLoad(repoRoot, probeScript, loadRuns);
    const base = baselineCheckout(repoRoot, baselineDir ?? path.join(repoRoot, 'dist', 'bench-base'));
    const latencyOf = async (root: string): Promise<LatencyFigures> => {
        const host = await startHostProcess(root, { app: path.join(repoRoot, 'app') });
        try {
            return await measureLatency(host.baseUrl, runs, 200);
        } finally {
            await host.stop();
        }
    };
    step(`the in-process host at ${BASELINE_COMMIT} (${base}): ${runs} sequential hellos, then 200 concurrent`);
    const baseline = await latencyOf(base);
    step(`this local host: ${runs} sequential hellos, then 200 concurrent`);
    const latency = await latencyOf(repoRoot);
    step('timing the scaling cases on the host and on their floor');
    const scaling = await measureScaling(repoRoot, quick ? QUICK : SCALING_SIZES, step);
    const { restartWith10kInstancesSeconds, ...restart } = await measureRestart(
        repoRoot,
        quick ? QUICK.restartHellos : 10_000,
        step,
    );
    const figures: BenchFigures = {
        ...packages,
        loadRatio: load.loadRatio,
        ...latency,
        baseline: {
            commit: BASELINE_COMMIT,
            helloMedianMs: baseline.helloMedianMs,
            helloP95Ms: baseline.helloP95Ms,
            concurrent200Seconds: baseline.concurrent200Seconds,
        },
        bundledLoadMedianMs: load.bundledMedianMs,
        unbundledLoadMedianMs: load.unbundledMedianMs,
        loadRuns: load.runs,
        scaling,
        restartWith10kInstancesSeconds,
        restart,
        machine: machine(),
        date: new Date().toISOString(),
    };
    const out = path.join(repoRoot, 'dist', 'bench.json');
    fs.writeFileSync(out, JSON.stringify(figures, null, 2) + '\n');
    const m = figures.machine;
    console.log(
        `\nBenchmarks, ${figures.date.slice(0, 10)}, ${m.cpus} cores, ${m.memoryGiB} GiB, Node ${m.node} (${m.platform})\n`,
    );
    console.log(formatTable(goalRows(figures)));
    console.log(`\nWrote ${path.relative(process.cwd(), out)}`);
    return 0;
}
