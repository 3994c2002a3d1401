import * as path from 'node:path';
import { DURABLE_BACKENDS, type DurableBackend } from './hostJson';
import { buildPackage } from './index';

const USAGE = `Usage: npm run package [-- --backend <${DURABLE_BACKENDS.join('|')}>] [--out <zip path>]`;

export function parseArgs(argv: string[], repoRoot: string): { outFile: string; durableBackend: DurableBackend } {
    let outFile = path.join(repoRoot, 'dist', 'app.zip');
    let durableBackend: DurableBackend = 'azureStorage';
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (value === undefined) throw new Error(`${flag} needs a value. ${USAGE}`);
        if (flag === '--out') outFile = path.resolve(value);
        else if (flag === '--backend' && (DURABLE_BACKENDS as readonly string[]).includes(value)) durableBackend = value as DurableBackend;
        else throw new Error(`Unexpected argument '${flag} ${value}'. ${USAGE}`);
    }
    return { outFile, durableBackend };
}

export function main(argv: string[], repoRoot: string): void {
    const started = process.hrtime.bigint();
    const options = parseArgs(argv, repoRoot);
    const pkg = buildPackage({ appDir: path.join(repoRoot, 'app'), ...options });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(`${path.relative(process.cwd(), pkg.path)}: ${pkg.bytes} bytes (${kb(pkg.bytes)}), ${pkg.files.length} files: ${pkg.files.join(', ')}`);
    console.log(`sha256 ${pkg.sha256}`);
    console.log(`bundle ${kb(pkg.bundleBytes)} from ${pkg.functionFiles.join(', ')}; largest parts: ${pkg.composition.slice(0, 5).map(([p, n]) => `${p} ${kb(n)}`).join(', ')}`);
    const counts = (['orchestrators', 'activities', 'entities'] as const).map((k) => `${pkg.manifest[k].length} ${k}`).join(', ');
    console.log(`${path.relative(process.cwd(), pkg.manifestPath)}: ${pkg.manifest.functions.length} functions (${counts}): ${pkg.manifest.functions.map((f) => f.name).join(', ')}`);
    console.log(`durable backend ${options.durableBackend}; built in ${ms.toFixed(0)} ms`);
}
