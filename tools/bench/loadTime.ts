import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readZip } from './readZip';
import { median } from './stats';

export interface LoadFigures {
    bundledMedianMs: number;
    unbundledMedianMs: number;
    loadRatio: number;
    runs: number;
}

interface ProbeResult {
    ms: number;
    functions: string[];
}

function probe(probeScript: string, files: string[]): ProbeResult {
    return JSON.parse(execFileSync(process.execPath, [probeScript, ...files], { encoding: 'utf8' })) as ProbeResult;
}

/** The shipped bundle: index.js taken out of dist/app.zip, so the measured bytes are the deployed ones. */
function extractBundle(zipFile: string, outDir: string): string {
    const entry = readZip(fs.readFileSync(zipFile)).find((e) => e.name === 'index.js');
    if (!entry) throw new Error(`${zipFile} has no index.js`);
    fs.mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, 'index.js');
    fs.writeFileSync(file, entry.data);
    return file;
}

/**
 * Cold `require` of the bundle vs the tsc output (the files app/package.json `main` matches), each in
 * `runs` fresh processes, interleaved so machine noise hits both alike. Both must register the same
 * functions, or the comparison is meaningless.
 */
export function measureLoad(repoRoot: string, probeScript: string, runs: number): LoadFigures {
    const bundle = extractBundle(
        path.join(repoRoot, 'dist', 'app.zip'),
        path.join(repoRoot, 'dist', 'bench', 'bundle'),
    );
    const functionsDir = path.join(repoRoot, 'app', 'dist', 'src', 'functions');
    const compiled = fs
        .readdirSync(functionsDir)
        .filter((f) => f.endsWith('.js'))
        .sort()
        .map((f) => path.join(functionsDir, f));
    const bundled: number[] = [];
    const unbundled: number[] = [];
    for (let i = 0; i < runs; i++) {
        const a = probe(probeScript, [bundle]);
        const b = probe(probeScript, compiled);
        if (a.functions.join() !== b.functions.join() || a.functions.length === 0) {
            throw new Error(`bundle registers [${a.functions}] but the compiled app registers [${b.functions}]`);
        }
        bundled.push(a.ms);
        unbundled.push(b.ms);
    }
    const bundledMedianMs = median(bundled);
    const unbundledMedianMs = median(unbundled);
    return { bundledMedianMs, unbundledMedianMs, loadRatio: bundledMedianMs / unbundledMedianMs, runs };
}
