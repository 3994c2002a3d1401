import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const { compileTs } = require('../../tools/cli/compileTs') as {
    compileTs: (
        entry: string,
        outName: string,
        options: { outDir: string; sourcemap?: boolean; reuse?: boolean },
    ) => string;
};

/** `npm start` reuses the host's build while none of its sources changed (tools/cli/compileTs.js `reuse`). */
let dir: string;
beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'durable-build-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const setBack = (file: string, seconds: number) => {
    const at = new Date(Date.now() - seconds * 1000);
    utimesSync(file, at, at);
};

it('reuses an output whose sources did not change, and rebuilds when one changed or is gone', () => {
    const entry = path.join(dir, 'main.ts');
    const helper = path.join(dir, 'helper.ts');
    writeFileSync(helper, 'export const word: string = "first";\n');
    writeFileSync(entry, 'import { word } from "./helper";\nconsole.log(word);\n');
    [entry, helper].forEach((f) => setBack(f, 60));
    const outDir = path.join(dir, 'out');
    const out = compileTs(entry, 'main.js', { outDir, sourcemap: true, reuse: true });
    expect(readFileSync(out, 'utf8')).toContain('"first"');
    const built = statSync(out).mtimeMs;

    expect(compileTs(entry, 'main.js', { outDir, sourcemap: true, reuse: true })).toBe(out);
    expect(statSync(out).mtimeMs).toBe(built);

    writeFileSync(helper, 'export const word: string = "second";\n');
    expect(readFileSync(compileTs(entry, 'main.js', { outDir, sourcemap: true, reuse: true }), 'utf8')).toContain(
        '"second"',
    );

    // Another esbuild option (no source map) is another build.
    [entry, helper].forEach((f) => setBack(f, 60));
    expect(readFileSync(compileTs(entry, 'main.js', { outDir, sourcemap: true, reuse: true }), 'utf8')).toContain(
        'sourceMappingURL',
    );
    expect(readFileSync(compileTs(entry, 'main.js', { outDir, sourcemap: false, reuse: true }), 'utf8')).not.toContain(
        'sourceMappingURL',
    );

    rmSync(helper);
    expect(() => compileTs(entry, 'main.js', { outDir, sourcemap: false, reuse: true })).toThrow(/helper/);
});
