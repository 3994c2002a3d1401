import * as fs from 'node:fs';
import * as path from 'node:path';
import { readDoc, REPO_ROOT, section } from './docs';

/** docs/your-workflow.md stays true: its steps are the make-it-yours test's, its prerequisites the code's. */
const page = readDoc('docs/your-workflow.md');
const testSource = fs.readFileSync(path.join(REPO_ROOT, 'test/make-it-yours/makeItYours.test.ts'), 'utf8');
const changeSource = fs.readFileSync(path.join(REPO_ROOT, 'test/make-it-yours/change.ts'), 'utf8');

describe('docs/your-workflow.md', () => {
    it("is linked from the README's first screen", () => {
        const firstScreen = readDoc('README.md').split('\n').slice(0, 12).join('\n');
        expect(firstScreen).toContain('](docs/your-workflow.md)');
    });

    it('has at most ten steps, and the make-it-yours test exercises each one', () => {
        const steps = [...section(page, 'The steps').matchAll(/^(\d+)\. \*\*/gm)].map((m) => Number(m[1]));
        expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
        expect(steps.length).toBeLessThanOrEqual(10);
        const covered = new Set<number>();
        for (const m of testSource.matchAll(/\(steps? (\d+)(?:-(\d+))?\)/g)) {
            for (let n = Number(m[1]); n <= Number(m[2] ?? m[1]); n++) covered.add(n);
        }
        expect(steps.filter((n) => !covered.has(n))).toEqual([]);
    });

    it('shows the change the test makes: the names and the smoke.json it writes', () => {
        for (const name of ['greetCities', 'greetCity', 'processOrder', 'reserveStock']) {
            expect(page).toContain(name);
            expect(changeSource).toContain(`'${name}'`);
        }
        const json = /```json\n([\s\S]*?)```/.exec(page)![1];
        const { SMOKE } = require('../make-it-yours/change') as { SMOKE: unknown };
        expect(JSON.parse(json)).toEqual(SMOKE);
    });

    it('gives the minimum Pulumi CLI as the version of the pinned @pulumi/pulumi SDK', () => {
        const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
            packages: Record<string, { version?: string }>;
        };
        expect(section(page, 'The Pulumi CLI')).toContain(
            `Pulumi CLI ${lock.packages['node_modules/@pulumi/pulumi'].version} or newer`,
        );
    });

    it('lists the resource provider of every resource type the stack creates', () => {
        // azure-native module → the Azure resource provider namespace of its resource types.
        const NAMESPACES: Record<string, string> = {
            web: 'Microsoft.Web',
            storage: 'Microsoft.Storage',
            applicationinsights: 'Microsoft.Insights',
            operationalinsights: 'Microsoft.OperationalInsights',
            managedidentity: 'Microsoft.ManagedIdentity',
            authorization: 'Microsoft.Authorization',
            resources: 'Microsoft.Resources',
            network: 'Microsoft.Network',
            privatedns: 'Microsoft.Network',
            durabletask: 'Microsoft.DurableTask',
        };
        const files = fs
            .readdirSync(path.join(REPO_ROOT, 'infra'), { recursive: true, encoding: 'utf8' })
            .filter((f) => f.endsWith('.ts'));
        const modules = new Set(
            files.flatMap((f) =>
                [
                    ...fs.readFileSync(path.join(REPO_ROOT, 'infra', f), 'utf8').matchAll(/new ([a-z]+)\.[A-Z]\w*\(/g),
                ].map((m) => m[1]),
            ),
        );
        modules.delete('pulumi');
        const documented = section(page, 'Resource providers');
        for (const module of modules) {
            expect([module, NAMESPACES[module]]).toEqual([module, expect.any(String)]);
            expect(documented).toContain(`\`${NAMESPACES[module]}\``);
        }
    });

    it('says Contributor alone fails, and which roles create the role assignments', () => {
        const roles = section(page, 'Your roles in Azure');
        expect(roles).toMatch(/Contributor alone does not have/);
        for (const role of ['Owner', 'Role Based Access Control Administrator', 'User Access Administrator'])
            expect(roles).toContain(role);
        expect(fs.readFileSync(path.join(REPO_ROOT, 'infra/roles.ts'), 'utf8')).toContain(
            'new authorization.RoleAssignment(',
        );
    });
});
