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

const USAGE =
    'Usage: npm run bench [-- --runs <hello runs, ≥100>] [--load-runs <processes per variant, ≥10>] [--baseline-dir <where the in-process host at 4e909cf is checked out; default dist/bench-base>] [--quick (smaller scaling cases and 1,000 instead of 10,000 hellos, to try it out)]';

/** --quick: a quarter of each scaling size and 1,000 hellos for the restart case (docs/benchmarks.md's table is from a full run). */
const QUICK = { sequence: [25, 100, 400], fanOut: [250, 1000, 4000], restartHellos: 1000 };

export function parseArgs(argv: string[]): { runs: number; loadRuns: number; quick: boolean; baselineDir?: string } {
    const options: { runs: number; loadRuns: number; quick: boolean; baselineDir?: string } = { runs: 100, loadRuns: 15, quick: false };
    for (let i = 0; i < argv.length; i += 2) {
        if (argv[i] === '--quick') {
            options.quick = true;
            i--;
            continue;
        }
        if (argv[i] === '--baseline-dir' && argv[i + 1]) {
            options.baselineDir = path.resolve(argv[i + 1]);
            continue;
        }
        const [flag, value] = [argv[i], Number(argv[i + 1])];
        const key = flag === '--runs' ? 'runs' : flag === '--load-runs' ? 'loadRuns' : undefined;
        const min = key === 'runs' ? 100 : 10;
        if (!key || !Number.isInteger(value) || value < min) throw new Error(`Bad argument '${argv.slice(i, i + 2).join(' ')}'. ${USAGE}`);
        options[key] = value;
    }
    return options;
}

export async function main(argv: string[], repoRoot: string, probeScript: string): Promise<void> {
    const { runs, loadRuns, quick, baselineDir } = parseArgs(argv);
    const step = (what: string) => process.stderr.write(`bench: ${what}\n`);
    step('compiling the app (tsc -p app)');
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [repoRoot] }), '-p', path.join(repoRoot, 'app')], { stdio: 'inherit' });
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
    const { restartWith10kInstancesSeconds, ...restart } = await measureRestart(repoRoot, quick ? QUICK.restartHellos : 10_000, step);
    const figures: BenchFigures = {
        ...packages,
        loadRatio: load.loadRatio,
        ...latency,
        baseline: { commit: BASELINE_COMMIT, helloMedianMs: baseline.helloMedianMs, helloP95Ms: baseline.helloP95Ms, concurrent200Seconds: baseline.concurrent200Seconds },
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
    console.log(`\nBenchmarks, ${figures.date.slice(0, 10)}, ${m.cpus} cores, ${m.memoryGiB} GiB, Node ${m.node} (${m.platform})\n`);
    console.log(formatTable(goalRows(figures)));
    console.log(`\nWrote ${path.relative(process.cwd(), out)}`);
}
