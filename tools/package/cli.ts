import * as path from 'node:path';
import { parseCommandArgs, readArgs, UsageError, type CommandSpec } from '../cli/args';
import { DURABLE_BACKENDS, type DurableBackend } from '../../infra/package/hostJson';
import { buildPackage } from '../../infra/package';

export const PACKAGE_COMMAND = {
    name: 'package',
    usage: `usage: npm run package [-- --backend <${DURABLE_BACKENDS.join('|')}>] [--out <zip path>]

  --backend <name>       the Durable backend host.json is written for (default azureStorage)
  --out <zip path>       where the zip goes (default dist/app.zip)`,
    options: {
        backend: { type: 'string' },
        out: { type: 'string' },
    },
} satisfies CommandSpec;

export function parseArgs(argv: string[], repoRoot: string): { outFile: string; durableBackend: DurableBackend } {
    const { values } = parseCommandArgs(PACKAGE_COMMAND, argv);
    const backend = values.backend ?? 'azureStorage';
    if (!(DURABLE_BACKENDS as readonly string[]).includes(backend))
        throw new UsageError(`--backend must be one of ${DURABLE_BACKENDS.join(', ')}, got '${backend}'.`);
    return {
        outFile: values.out === undefined ? path.join(repoRoot, 'dist', 'app.zip') : path.resolve(values.out),
        durableBackend: backend as DurableBackend,
    };
}

/** Returns the exit code (0, or 2 on bad usage); a failed build throws. */
export function main(argv: string[], repoRoot: string): number {
    const started = process.hrtime.bigint();
    const read = readArgs(PACKAGE_COMMAND, argv, (args) => parseArgs(args, repoRoot));
    if (!read.ok) return read.exitCode;
    const options = read.value;
    const pkg = buildPackage({ appDir: path.join(repoRoot, 'app'), ...options });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(
        `${path.relative(process.cwd(), pkg.path)}: ${pkg.bytes} bytes (${kb(pkg.bytes)}), ${pkg.files.length} files: ${pkg.files.join(', ')}`,
    );
    console.log(`sha256 ${pkg.sha256}`);
    console.log(
        `bundle ${kb(pkg.bundleBytes)} from ${pkg.functionFiles.join(', ')}; largest parts: ${pkg.composition
            .slice(0, 5)
            .map(([p, n]) => `${p} ${kb(n)}`)
            .join(', ')}`,
    );
    const counts = (['orchestrators', 'activities', 'entities'] as const)
        .map((k) => `${pkg.manifest[k].length} ${k}`)
        .join(', ');
    console.log(
        `${path.relative(process.cwd(), pkg.manifestPath)}: ${pkg.manifest.functions.length} functions (${counts}): ${pkg.manifest.functions.map((f) => f.name).join(', ')}`,
    );
    console.log(`durable backend ${options.durableBackend}; built in ${ms.toFixed(0)} ms`);
    return 0;
}
