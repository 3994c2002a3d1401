import * as fs from 'node:fs';
import { ROLES } from '../../infra/roles';
import { actionPins, workflowFiles } from '../ci/workflowRules';
import { readDoc } from './docs';

const cicd = readDoc('docs/ci-cd.md');

describe('docs/ci-cd.md keeps up with the workflows and the stack', () => {
    it('documents how to set every variable and secret the workflows read', () => {
        const used = new Set(workflowFiles().flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/\$\{\{\s*(vars|secrets)\.(\w+)/g)].map((m) => `${m[1]}.${m[2]}`)));
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

    it('creates a federated credential for each OIDC subject the workflows present', () => {
        // deploy/destroy name the environment; the preview runs on pull_request; the drift check runs on main.
        expect(cicd).toMatch(/for subject in "environment:dev" "pull_request" "ref:refs\/heads\/main"/);
    });

    it('names the current major of every pinned action', () => {
        const pins = workflowFiles().flatMap((f) => actionPins(fs.readFileSync(f, 'utf8')));
        for (const { action, version } of pins) expect(cicd).toContain(`\`${action}\` ${version?.split('.')[0]}`);
    });
});
