import * as fs from 'node:fs';
import * as path from 'node:path';
import { aliasUrns, runProgram, type ProgramRun } from '../support/pulumiMocks';

/** Every URN the program registered on main before issue 24, with every option on (see its `source`). */
const BEFORE: string[] = JSON.parse(
    fs.readFileSync(path.join(__dirname, 'fixtures/urnsBeforeIssue24.json'), 'utf8'),
).urns;

let run: ProgramRun;

beforeAll(async () => {
    run = await runProgram({
        location: 'swedencentral',
        durableBackend: 'durableTaskScheduler',
        network: 'isolated',
        dashboardPrincipalId: '00000000-0000-4000-8000-0000000000aa',
        dashboardPrincipalType: 'Group',
    });
});

/** The old URNs a resource answers to: its own URN and every alias's. */
const claims = (r: ProgramRun['resources'][number]) => [r.urn, ...aliasUrns(r)].filter((urn) => BEFORE.includes(urn));
/** Resources added since (no alias: nothing to rename): the deploying principal's read on the deployment container. */
const ADDED = ['azure-native:authorization:RoleAssignment::storage-deployer-storage-blob-data-reader'];
const isAdded = (r: ProgramRun['resources'][number]) => ADDED.includes(`${r.type}::${r.name}`);
const existing = () => run.resources.filter((r) => !isAdded(r));

describe('a stack created before child names derived from the component name', () => {
    it('finds every one of its resources under the same or an aliased URN: `pulumi up` renames, deletes nothing and creates only what was added since', () => {
        const unclaimed = BEFORE.filter((old) => !run.resources.some((r) => claims(r).includes(old)));
        const created = run.resources
            .filter((r) => claims(r).length === 0)
            .map((r) => r.urn.slice(r.urn.lastIndexOf('$') + 1));
        expect({ unclaimed, created }).toEqual({ unclaimed: [], created: ADDED });
        expect(existing()).toHaveLength(BEFORE.length);
    });

    it('has each old resource claimed by exactly one new resource, through one URN (the engine refuses two claims)', () => {
        for (const r of existing()) expect([r.urn, claims(r)]).toEqual([r.urn, [expect.any(String)]]);
        const claimed = run.resources.flatMap(claims);
        expect(new Set(claimed).size).toBe(claimed.length);
    });

    it('keeps the old parent: only children are renamed, each under the same component', () => {
        const renamed = existing().filter((r) => !BEFORE.includes(r.urn));
        expect(renamed.length).toBeGreaterThan(0);
        for (const r of renamed) {
            const [old] = claims(r);
            // The part before `::<name>` is the parent type chain and the type: unchanged.
            expect(r.urn.slice(0, r.urn.lastIndexOf('::'))).toBe(old.slice(0, old.lastIndexOf('::')));
        }
    });

    it('renames every component child to <component>-<role>, except the storage account, which takes no dash', () => {
        const components = new Map(run.resources.filter((r) => !r.custom).map((r) => [r.urn, r.name]));
        for (const r of run.custom.filter((x) => components.has(x.options.parent))) {
            const component = components.get(r.options.parent)!;
            expect(r.name === component || r.name.startsWith(`${component}-`)).toBe(true);
        }
    });
});
