import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { WORKFLOW_DIR, loadWorkflow, steps } from './workflowRules';

interface Update {
    'package-ecosystem': string;
    directory?: string;
    directories?: string[];
    schedule: { interval: string };
    cooldown?: Record<string, number>;
    groups?: Record<string, { patterns?: string[]; 'dependency-type'?: string; 'update-types'?: string[] }>;
}
const dependabot = parse(fs.readFileSync(path.join(WORKFLOW_DIR, '..', 'dependabot.yml'), 'utf8')) as {
    version: number;
    updates: Update[];
};
const ecosystem = (name: string) => dependabot.updates.find((u) => u['package-ecosystem'] === name)!;

describe('dependabot.yml', () => {
    it('updates the actions, and the npm dependencies from the workspace root only, which covers the app and the tools workspaces', () => {
        expect(dependabot.version).toBe(2);
        expect(dependabot.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
        expect(ecosystem('github-actions').directory).toBe('/');
        // app/ and the tools are workspaces of the root, with no lockfile of their own: one update job, one lockfile
        // (a second entry for /app can leave the shared lockfile inconsistent: dependabot/dependabot-core#6346, #7157).
        expect(ecosystem('npm').directory).toBe('/');
        expect(ecosystem('npm').directories).toBeUndefined();
        const root = path.join(WORKFLOW_DIR, '..', '..');
        const workspaces = (
            JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces: string[] }
        ).workspaces;
        expect(workspaces[0]).toBe('app');
        expect(workspaces.slice(1).filter((w) => !/^tools\/[a-z-]+$/.test(w))).toEqual([]);
        expect(workspaces.filter((w) => fs.existsSync(path.join(root, w, 'package-lock.json')))).toEqual([]);
    });

    it('waits out a cooldown before proposing a release; github-actions takes default-days only', () => {
        for (const u of dependabot.updates) expect(u.cooldown?.['default-days']).toBeGreaterThanOrEqual(3);
        expect(Object.keys(ecosystem('github-actions').cooldown!)).toEqual(['default-days']);
        expect(ecosystem('npm').cooldown!['semver-major-days']).toBeGreaterThan(
            ecosystem('npm').cooldown!['default-days'],
        );
    });

    it('groups updates: every action in one pull request, the Pulumi packages together, the Functions SDKs together', () => {
        expect(ecosystem('github-actions').groups).toEqual({ 'github-actions': { patterns: ['*'] } });
        const npm = ecosystem('npm').groups!;
        expect(npm.pulumi.patterns).toEqual(['@pulumi/*']);
        expect(npm['azure-functions'].patterns).toEqual(['@azure/functions', 'durable-functions']);
        // Majors stay out of the catch-all groups: each one is its own pull request to read.
        for (const name of ['dev-tooling', 'runtime']) expect(npm[name]['update-types']).toEqual(['minor', 'patch']);
    });
});

describe('dependency-review.yml', () => {
    const wf = loadWorkflow(path.join(WORKFLOW_DIR, 'dependency-review.yml'));
    const review = Object.values(wf.jobs)
        .flatMap(steps)
        .find((s) => s.uses?.startsWith('actions/dependency-review-action@'))!;

    it('reviews every pull request with read-only rights', () => {
        expect(Object.keys(wf.on)).toEqual(['pull_request']);
        expect(wf.permissions).toEqual({ contents: 'read' });
        expect(Object.values(wf.jobs).map((j) => j.permissions)).toEqual([undefined]);
    });

    it('fails on any known vulnerability, in runtime and development dependencies, and on unlisted licences', () => {
        expect(review.with).toMatchObject({
            'fail-on-severity': 'low',
            'fail-on-scopes': 'runtime, development, unknown',
        });
        const allowed = String(review.with?.['allow-licenses']).split(/,\s*/);
        expect(allowed).toEqual(expect.arrayContaining(['MIT', 'Apache-2.0', 'ISC', 'BSD-3-Clause']));
        expect(allowed.some((l) => /GPL/.test(l))).toBe(false);
        expect(review.with?.['warn-only']).toBeUndefined();
    });
});
