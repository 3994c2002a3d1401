import * as path from 'node:path';
import { runProgram, type MockedResource, type ProgramRun } from '../support/pulumiMocks';
import { storageAccountLogicalName } from '../../infra/components/naming';

let run: ProgramRun;

beforeAll(async () => {
    run = await runProgram({}, { program: path.join(__dirname, 'fixtures/twoOfEach.ts') });
});

const componentOf = (r: MockedResource): MockedResource | undefined =>
    run.resources.find((c) => !c.custom && c.urn === r.options.parent);

describe('two of every component in one program', () => {
    it('registers every child under its own URN', () => {
        const urns = run.resources.map((r) => r.urn);
        expect(urns.filter((urn) => urn === '')).toEqual([]);
        expect(urns.filter((urn, i) => urns.indexOf(urn) !== i)).toEqual([]);
    });

    it('gives both instances the same resources, each named after its own component', () => {
        const children = (name: string) =>
            run.custom
                .filter((r) => componentOf(r)?.name === name)
                .map(
                    (r) =>
                        `${r.type} ${r.name === storageAccountLogicalName(name) ? '<account>' : r.name.replace(name, '<component>')}`,
                )
                .sort();
        const names = run.resources.filter((r) => r.type === 'durable-hello:infra:FunctionApp').map((r) => r.name);
        expect(names.sort()).toEqual(['Billing-Reconciliation-Service-West', 'orders']);
        const [first, second] = names.map(children);
        expect(first.length).toBeGreaterThan(20);
        expect(second).toEqual(first);
        expect(first.filter((child) => !/ <component>(-|$)| <account>$/.test(child))).toEqual([]);
    });

    it('derives Azure names azure-native accepts: storage accounts 3-24 lowercase letters and digits, distinct', () => {
        const accounts = run.ofType('azure-native:storage:StorageAccount').map((r) => r.state.name);
        expect(accounts).toHaveLength(2);
        for (const account of accounts) expect(account).toMatch(/^[a-z0-9]{3,24}$/);
        expect(new Set(accounts).size).toBe(2);
        // Function app names are host names: letters, digits and dashes, at most 60.
        for (const site of run.ofType('azure-native:web:WebApp'))
            expect(site.state.name).toMatch(/^[A-Za-z0-9][A-Za-z0-9-]{1,59}$/);
    });

    it('aliases no child: only infra/index.ts names the previous names of its own instances', () => {
        for (const r of run.custom)
            expect([r.urn, r.options.aliases.filter((a) => 'name' in a && a.name !== '')]).toEqual([r.urn, []]);
    });
});

describe('storageAccountLogicalName', () => {
    it('keeps a short lowercase name, and hashes a name that loses characters so two names never meet', () => {
        expect(storageAccountLogicalName('storage')).toBe('storage');
        expect(storageAccountLogicalName('my-app')).toMatch(/^myapp[0-9a-f]{6}$/);
        expect(storageAccountLogicalName('my-app')).not.toBe(storageAccountLogicalName('myapp'));
        expect(storageAccountLogicalName('orders-processing-east')).not.toBe(
            storageAccountLogicalName('orders-processing-west'),
        );
        expect(storageAccountLogicalName('a'.repeat(40))).toHaveLength(16);
    });

    it('refuses a name with no letter or digit, saying what to use', () => {
        expect(() => storageAccountLogicalName('--')).toThrow(
            /'--' has no letter or digit .* use a name like 'orders'/,
        );
    });
});
