import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const { pulumiVersion } = require('../../.github/scripts/pulumi-version.js') as {
    pulumiVersion: (lockText: string) => string;
};
const { recoverySummary, runbookUrl } = require('../../.github/scripts/recovery-summary.js') as {
    recoverySummary: (stack: string, operation: string, outcome: string, env?: Record<string, string>) => string;
    runbookUrl: (env: Record<string, string | undefined>) => string;
};

describe('pulumi-version.js: the CLI the workflows install', () => {
    const lock = fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8');

    it('is the exact @pulumi/pulumi version that package.json pins and the lockfile installs, so Dependabot moves both', () => {
        const pinned = (
            JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
                dependencies: Record<string, string>;
            }
        ).dependencies['@pulumi/pulumi'];
        const installed = (
            JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@pulumi/pulumi/package.json'), 'utf8')) as {
                version: string;
            }
        ).version;
        expect(pulumiVersion(lock)).toBe(pinned);
        expect(pulumiVersion(lock)).toBe(installed);
    });

    it('refuses a lockfile without an exact version, saying what to do', () => {
        const ranged = JSON.stringify({ packages: { 'node_modules/@pulumi/pulumi': { version: '^3.0.0' } } });
        expect(() => pulumiVersion(ranged)).toThrow(
            /pins no exact @pulumi\/pulumi version \(found "\^3.0.0"\); run npm install/,
        );
        expect(() => pulumiVersion('{"packages":{}}')).toThrow(/found undefined/);
    });
});

describe('recovery-summary.js: the job summary of a failed or cancelled Pulumi job', () => {
    const env = {
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'contoso/durable-hello',
        GITHUB_SHA: 'abc123',
    };

    it('after an interrupted up or destroy: names the lock and pending operations and links the runbook of this commit', () => {
        const text = recoverySummary('dev', 'up', 'cancelled', env);
        expect(text).toContain('## `pulumi up` of stack `dev` was cancelled');
        expect(text).toMatch(/locked[\s\S]*pending operations/);
        expect(text).toContain(
            '[docs/recovery.md](https://github.com/contoso/durable-hello/blob/abc123/docs/recovery.md)',
        );
        expect(text).toMatch(/pulumi cancel.*pulumi refresh --clear-pending-creates.*pulumi stack export\/import/);
        expect(recoverySummary('dev', 'destroy', 'failure', env)).toContain(
            '## `pulumi destroy` of stack `dev` failed',
        );
        expect(fs.existsSync(path.join(ROOT, 'docs', 'recovery.md'))).toBe(true);
    });

    it('says there is nothing to recover when Pulumi finished or never started, or when it was a preview', () => {
        expect(recoverySummary('dev', 'up', 'success', env)).toMatch(
            /finished[\s\S]*A later step failed.*nothing to recover/,
        );
        expect(recoverySummary('dev', 'up', 'skipped', env)).toMatch(/did not start[\s\S]*not touched/);
        expect(recoverySummary('dev', 'up', '', env)).toMatch(/did not start/);
        const preview = recoverySummary('dev', 'preview', 'failure', env);
        expect(preview).toMatch(/changes nothing/);
        expect(preview).not.toContain('pulumi cancel');
    });

    it('links the runbook relatively outside Actions, and rejects a bad stack or operation', () => {
        expect(runbookUrl({})).toBe('docs/recovery.md');
        expect(() => recoverySummary('dev; rm -rf /', 'up', 'failure', env)).toThrow(/Not a stack name/);
        expect(() => recoverySummary('dev', 'refresh', 'failure', env)).toThrow(
            /Unknown operation 'refresh': one of up, destroy, preview/,
        );
    });
});
