import type { Plugin } from 'esbuild';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { readTsconfig, type TsCompilerOptions } from './resolveEntries';

/** `import * as name from 'package'` on one line (not `import type`, not a relative path). */
const NAMESPACE_IMPORT = /^([ \t]*)import\s+\*\s+as\s+([A-Za-z_$][\w$]*)\s+from\s+(['"])([^'"./][^'"]*)\3[ \t]*;?/gm;

/**
 * Whether tsc builds this app without `esModuleInterop` into CommonJS (the `func init` template and
 * the durable-functions samples do): then `import * as x from 'pkg'` is plain `require('pkg')`, so
 * calling `x(...)` works in Azure, while esbuild always wraps it in a namespace object that cannot
 * be called (`readdirp(...) is not a function`).
 */
export function usesTscRequireImports(appDir: string): boolean {
    const tsconfigFile = path.join(appDir, 'tsconfig.json');
    if (!existsSync(tsconfigFile)) return false;
    const options = compilerOptions(tsconfigFile);
    // tsc's default module is CommonJS only for an ES3/ES5 target (its default target).
    const module = options.module ?? (/^es[35]$/i.test(options.target ?? 'es5') ? 'commonjs' : 'es2015');
    return options.esModuleInterop !== true && module.toLowerCase() === 'commonjs';
}

/** The options of a tsconfig file with those of the files it `extends` (relative paths or packages) under them. */
function compilerOptions(file: string, depth = 0): TsCompilerOptions {
    const { extends: base, compilerOptions: own } = readTsconfig(file);
    const bases = depth > 8 ? [] : [base ?? []].flat();
    const inherited = bases.map((spec) => {
        const dir = path.dirname(file);
        const resolved =
            spec.startsWith('.') || path.isAbsolute(spec)
                ? path.resolve(dir, spec.endsWith('.json') ? spec : `${spec}.json`)
                : require.resolve(spec, { paths: [dir] });
        if (!existsSync(resolved)) {
            throw new Error(
                `${file} extends "${spec}", which does not exist (${resolved}): fix its "extends", or copy that file too.`,
            );
        }
        return compilerOptions(resolved, depth + 1);
    });
    return Object.assign({}, ...inherited, own);
}

/**
 * Rewrites a package's namespace import to TypeScript's `import x = require('pkg')`, which esbuild emits as tsc does.
 */
export function toRequireImports(source: string): string {
    return source.replace(
        NAMESPACE_IMPORT,
        (_all, indent: string, name: string, quote: string, spec: string) =>
            `${indent}import ${name} = require(${quote}${spec}${quote});`,
    );
}

/** esbuild plugin: the app's own .ts/.cts files get tsc's CommonJS import semantics (see usesTscRequireImports). */
export function tscRequireImports(appDir: string): Plugin {
    const root = path.resolve(appDir) + path.sep;
    return {
        name: 'tsc-require-imports',
        setup(pluginBuild) {
            pluginBuild.onLoad({ filter: /\.c?ts$/ }, async (args) => {
                if (args.path.includes(`${path.sep}node_modules${path.sep}`) || !args.path.startsWith(root))
                    return undefined;
                return { contents: toRequireImports(await readFile(args.path, 'utf8')), loader: 'ts' };
            });
        },
    };
}
