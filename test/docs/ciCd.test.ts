import * as fs from 'node:fs';
import { ROLES } from '../../infra/roles';
import { actionPins, loadWorkflow, logsIntoAzure, workflowFiles } from '../ci/workflowRules';
import { readDoc } from './docs';

const cicd = readDoc('docs/ci-cd.md');
// Up to the next section (its shell blocks hold `# ...` comment lines, which section() would take for headings).
const setupSection = cicd.slice(cicd.indexOf('## One-time setup'), cicd.indexOf('## Smoke test'));

describe('docs/ci-cd.md keeps up with the workflows and the stack', () => {
    it('documents how to set every variable and secret the workflows read', () => {
        const used = new Set(
            workflowFiles().flatMap((f) =>
                [...fs.readFileSync(f, 'utf8').matchAll(/\$\{\{\s*(vars|secrets)\.(\w+)/g)].map(
                    (m) => `${m[1]}.${m[2]}`,
                ),
            ),
        );
        expect(used.size).toBeGreaterThan(0);
        for (const ref of used) {
            const [kind, name] = ref.split('.');
            expect(cicd).toContain(`gh ${kind === 'vars' ? 'variable' : 'secret'} set ${name} `);
        }
    });

    it("limits the role administrator's condition to exactly the roles the stack assigns", () => {
        const ids = /ROLE_IDS="([^"]+)"/.exec(cicd)?.[1].split(/,\s*/) ?? [];
        expect(ids.sort()).toEqual(Object.values(ROLES).sort());
    });

    it('creates, with the setup script, a federated credential for each environment the Azure jobs name, and no other', () => {
        const environments = new Set(
            workflowFiles().flatMap((f) =>
                Object.values(loadWorkflow(f).jobs)
                    .filter(logsIntoAzure)
                    .map((job) => String(job.environment).replace('${{ inputs.stack }}', 'dev')),
            ),
        );
        expect([...environments].sort()).toEqual(['dev', 'preview']);
        const contexts = [...cicd.matchAll(/federated-credentials\.js --repo "\$REPO" --context (\S+) --app/g)].map(
            (m) => m[1],
        );
        expect(contexts.sort()).toEqual([...environments].map((e) => `environment:${e}`).sort());
        // No credential for the pull_request or branch subjects: every Azure job names an environment.
        expect(cicd).not.toMatch(/--context (pull_request|ref:)/);
    });

    it('shows both subject forms and how to ask GitHub which one the repository uses', () => {
        const setup = setupSection;
        expect(setup).toContain('`repo:<owner>/<repo>:environment:dev`');
        expect(setup).toContain('`repo:<owner>@<owner-id>/<repo>@<repo-id>:environment:dev`');
        expect(setup).toContain('gh api "repos/$REPO/actions/oidc/customization/sub"');
        expect(setup).toContain('sub_claim_prefix');
    });

    it('says which plans have required reviewers for private repositories, and what to do without them', () => {
        const setup = setupSection;
        expect(setup).toMatch(/required reviewers \(and wait timers\) need GitHub\s+Enterprise/);
        expect(setup).toMatch(/GitHub Free: no environments at all/);
        expect(setup).toMatch(/workflow_dispatch/);
    });

    it('sets the client id and the secrets on the environments, never on the repository', () => {
        for (const name of ['AZURE_CLIENT_ID', 'PULUMI_ACCESS_TOKEN', 'PULUMI_CONFIG_PASSPHRASE']) {
            const lines = cicd.split('\n').filter((l) => new RegExp(`gh (variable|secret) set ${name} `).test(l));
            expect(lines.length).toBeGreaterThanOrEqual(2);
            for (const line of lines) expect(line).toMatch(/--env (dev|preview) /);
        }
    });

    it('links the recovery runbook, which covers pulumi cancel, refresh --clear-pending-creates and stack export/import', () => {
        expect(cicd).toContain('[recovery runbook](recovery.md)');
        const runbook = readDoc('docs/recovery.md');
        for (const command of [
            'pulumi cancel --stack dev --yes',
            'pulumi refresh --stack dev --clear-pending-creates',
            'pulumi stack export',
            'pulumi stack import',
        ]) {
            expect(runbook).toContain(command);
        }
    });

    it('names the current major of every pinned action', () => {
        const pins = workflowFiles().flatMap((f) => actionPins(fs.readFileSync(f, 'utf8')));
        for (const { action, version } of pins) expect(cicd).toContain(`\`${action}\` ${version?.split('.')[0]}`);
    });
});
