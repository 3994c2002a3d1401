import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { globFiles } from '../../tools/local-host/app-loading/glob';
import { resolveEntries } from '../../tools/local-host/app-loading/resolveEntries';

/** An app folder with these files (contents irrelevant) and this package.json `main`. */
function appWith(files: string[], main: string, tsconfig?: object): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'entry-globs-'));
    for (const file of files) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), '');
    }
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ main }));
    if (tsconfig) writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    return dir;
}

const relative = (dir: string, files: string[]): string[] =>
    files.map((f) => path.relative(dir, f).split(path.sep).join('/')).sort();

const COMPILED = [
    'dist/src/index.js',
    'dist/src/setup.js',
    'dist/src/functions/a.js',
    'dist/src/functions/b.js',
    'dist/src/functions/b.test.js',
    'dist/src/functions/nested/c.js',
    'dist/src/utils/u.js',
];

describe('package.json main as the Node worker expands it (globby)', () => {
    const dirs: string[] = [];
    afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
    const app = (files: string[], main: string, tsconfig?: object): string => {
        const dir = appWith(files, main, tsconfig);
        dirs.push(dir);
        return dir;
    };

    it.each([
        [
            'dist/src/functions/*.js',
            ['dist/src/functions/a.js', 'dist/src/functions/b.js', 'dist/src/functions/b.test.js'],
        ],
        [
            'dist/src/{index.js,functions/*.js}',
            ['dist/src/functions/a.js', 'dist/src/functions/b.js', 'dist/src/functions/b.test.js', 'dist/src/index.js'],
        ],
        [
            'dist/src/{index.js,setup.js,functions/*.js}',
            [
                'dist/src/functions/a.js',
                'dist/src/functions/b.js',
                'dist/src/functions/b.test.js',
                'dist/src/index.js',
                'dist/src/setup.js',
            ],
        ],
        [
            'dist/src/functions/**/*.js',
            [
                'dist/src/functions/a.js',
                'dist/src/functions/b.js',
                'dist/src/functions/b.test.js',
                'dist/src/functions/nested/c.js',
            ],
        ],
        ['dist/src/functions/!(*.test).js', ['dist/src/functions/a.js', 'dist/src/functions/b.js']],
        ['dist/src/index.js', ['dist/src/index.js']],
        ['./dist/src/index.js', ['dist/src/index.js']],
    ])('%s', (main, expected) => {
        const dir = app(COMPILED, main);
        expect(relative(dir, globFiles(dir, main))).toEqual(expected);
        expect(resolveEntries(dir).fromSources).toBe(false);
    });

    it('a lone negation matches nothing, as in globby', () => {
        const dir = app(COMPILED, '!dist/src/index.js');
        expect(globFiles(dir, '!dist/src/index.js')).toEqual([]);
    });

    it('maps a brace main into tsc outDir back to the TypeScript sources', () => {
        const dir = app(
            ['src/index.ts', 'src/functions/a.ts', 'src/functions/b.ts', 'src/other.ts'],
            'dist/src/{index.js,functions/*.js}',
            { compilerOptions: { outDir: 'dist', rootDir: '.' } },
        );
        const entries = resolveEntries(dir);
        expect(entries.fromSources).toBe(true);
        expect(relative(dir, entries.files)).toEqual(['src/functions/a.ts', 'src/functions/b.ts', 'src/index.ts']);
    });

    it('says what the worker says when main matches nothing', () => {
        const glob = app(['src/x.ts'], 'dist/{index.js,functions/*.js}');
        expect(() => resolveEntries(glob)).toThrow(/Found zero files matching the supplied pattern/);
        const file = app(['src/x.ts'], 'dist/index.js');
        expect(() => resolveEntries(file)).toThrow(/File does not exist/);
    });
});
