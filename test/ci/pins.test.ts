import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { actionPins, loadWorkflow, steps, workflowFiles, type Workflow } from './workflowRules';

/**
 * Every action the workflows use: its current major, read from the tags of the action's own repository (all
 * run on node24), and the inputs its action.yml declares at that release. actionlint checks `with:` keys only
 * for `@vN` refs it knows, not for SHA pins, so this record does it. Dependabot moves SHAs; a pull request that
 * crosses a major updates this record too, after reading the release notes (docs/ci-cd.md, "Pinned actions").
 */
const ACTIONS: Record<string, { major: string; inputs: string }> = {
    'actions/checkout': {
        major: 'v7',
        inputs: 'repository ref token ssh-key ssh-known-hosts ssh-strict ssh-user persist-credentials path clean filter sparse-checkout sparse-checkout-cone-mode fetch-depth fetch-tags show-progress lfs submodules set-safe-directory github-server-url allow-unsafe-pr-checkout',
    },
    'actions/setup-node': {
        major: 'v7',
        inputs: 'node-version node-version-file architecture check-latest registry-url scope token cache package-manager-cache cache-dependency-path mirror mirror-token',
    },
    'azure/login': {
        major: 'v3',
        inputs: 'creds client-id tenant-id subscription-id enable-AzPSSession environment allow-no-subscriptions audience auth-type',
    },
    'pulumi/actions': {
        major: 'v7',
        inputs: 'command stack-name pulumi-version pulumi-version-file work-dir comment-on-pr comment-on-pr-number comment-on-summary github-token cloud-url secrets-provider parallel message config-map expect-no-changes diff replace exclude exclude-dependents target target-dependents policyPacks policyPackConfigs refresh upsert remove edit-pr-comment color exclude-protected plan suppress-outputs suppress-progress always-include-summary continue-on-error log-verbosity log-flow debug',
    },
    'actions/dependency-review-action': {
        major: 'v5',
        inputs: 'repo-token fail-on-severity fail-on-scopes base-ref head-ref config-file allow-licenses deny-licenses allow-dependencies-licenses allow-ghsas external-repo-token license-check vulnerability-check comment-summary-in-pr deny-packages deny-groups retry-on-snapshot-warnings retry-on-snapshot-warnings-timeout warn-only show-openssf-scorecard warn-on-openssf-scorecard-level show-patched-versions',
    },
};

/** `with:` keys that the step's action does not declare (or every key of an action not recorded above). */
function unknownInputs(wf: Workflow): string[] {
    return Object.values(wf.jobs)
        .flatMap(steps)
        .filter((s) => s.uses && !s.uses.startsWith('./'))
        .flatMap((s) =>
            Object.keys(s.with ?? {}).map((input) => ({ action: s.uses!.split('@')[0].toLowerCase(), input })),
        )
        .filter(({ action, input }) => !ACTIONS[action]?.inputs.split(' ').includes(input))
        .map(({ action, input }) => `${action}: ${input}`);
}

const pins = workflowFiles().flatMap((file) =>
    actionPins(fs.readFileSync(file, 'utf8')).map((pin) => ({ file: path.basename(file), ...pin })),
);

describe('pinned actions', () => {
    it('finds the pins it checks', () => {
        expect(pins.length).toBeGreaterThanOrEqual(Object.keys(ACTIONS).length);
    });

    it.each(pins)('$file: $action $version is at the recorded current major', ({ action, version }) => {
        expect(ACTIONS[action]).toBeDefined();
        expect(version?.split('.')[0]).toBe(ACTIONS[action].major);
    });

    it('each action has one SHA and one release across all workflows, so a bump moves every use', () => {
        const byAction = new Map<string, Set<string>>();
        for (const p of pins)
            byAction.set(p.action, (byAction.get(p.action) ?? new Set()).add(`${p.ref} # ${p.version}`));
        for (const [action, refs] of byAction) expect([action, [...refs]]).toEqual([action, [expect.any(String)]]);
    });

    it('records no action the workflows no longer use', () => {
        expect(Object.keys(ACTIONS).sort()).toEqual([...new Set(pins.map((p) => p.action))].sort());
    });

    it.each(workflowFiles().map((f) => [path.basename(f), f]))(
        '%s: every with: key is an input the pinned action declares',
        (_name, file) => {
            expect(unknownInputs(loadWorkflow(file))).toEqual([]);
        },
    );

    it('the input check catches a misspelt input and an unrecorded action', () => {
        const bad = parse(`
jobs:
  j:
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with: { persist-credential: false }
      - uses: someone/else@3d3c42e5aac5ba805825da76410c181273ba90b1 # v1.0.0
        with: { x: 1 }
`) as Workflow;
        expect(unknownInputs(bad)).toEqual(['actions/checkout: persist-credential', 'someone/else: x']);
    });
});
