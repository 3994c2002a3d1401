interface Repository {
    id: number;
    full_name: string;
    visibility: string;
    owner: { id: number; login: string; type: 'Organization' | 'User' };
}
interface Customization {
    use_default?: boolean;
    include_claim_keys?: string[];
    use_immutable_subject?: boolean;
    sub_claim_prefix?: string;
}
interface Format {
    prefix: string;
    claimKeys?: string[];
}
type Az = (args: string[]) => string;
const script = require('../../.github/scripts/federated-credentials.js') as {
    subjectFormat: (
        repository: Repository,
        customization: Customization,
        org?: { include_claim_keys?: string[] },
    ) => Format;
    subjectFor: (format: Format, context: string) => string;
    readSubjectFormat: (repo: string, ghApi: (path: string) => unknown) => Format;
    main: (argv: string[], io: { gh: (args: string[]) => string; az: Az; log: (line: string) => void }) => void;
    ISSUER: string;
    AUDIENCE: string;
};

const repository: Repository = {
    id: 456789,
    full_name: 'contoso/durable-hello',
    visibility: 'private',
    owner: { id: 123456, login: 'contoso', type: 'Organization' },
};
const NAME_ONLY: Customization = {
    use_default: true,
    use_immutable_subject: false,
    sub_claim_prefix: 'repo:contoso/durable-hello',
};
const IMMUTABLE: Customization = {
    use_default: true,
    use_immutable_subject: true,
    sub_claim_prefix: 'repo:contoso@123456/durable-hello@456789',
};

const subject = (customization: Customization, context: string, org?: { include_claim_keys?: string[] }) =>
    script.subjectFor(script.subjectFormat(repository, customization, org), context);

describe('OIDC subjects as GitHub sends them', () => {
    it('a name-only repository: repo:<owner>/<name>:<context>', () => {
        expect(subject(NAME_ONLY, 'environment:dev')).toBe('repo:contoso/durable-hello:environment:dev');
        expect(subject(NAME_ONLY, 'pull_request')).toBe('repo:contoso/durable-hello:pull_request');
        expect(subject(NAME_ONLY, 'ref:refs/heads/main')).toBe('repo:contoso/durable-hello:ref:refs/heads/main');
    });

    it("an id-bearing repository: GitHub's sub_claim_prefix, owner and repository ids included", () => {
        expect(subject(IMMUTABLE, 'environment:dev')).toBe('repo:contoso@123456/durable-hello@456789:environment:dev');
        expect(subject(IMMUTABLE, 'environment:preview')).toBe(
            'repo:contoso@123456/durable-hello@456789:environment:preview',
        );
    });

    it('trusts the prefix GitHub previews over its flag, and builds the immutable form from the ids when no prefix is given', () => {
        // Seen in the wild: use_immutable_subject false while the prefix already carries the ids.
        expect(subject({ ...IMMUTABLE, use_immutable_subject: false }, 'environment:dev')).toBe(
            'repo:contoso@123456/durable-hello@456789:environment:dev',
        );
        expect(subject({ use_default: true, use_immutable_subject: true }, 'environment:dev')).toBe(
            'repo:contoso@123456/durable-hello@456789:environment:dev',
        );
        expect(subject({ use_default: true }, 'environment:dev')).toBe('repo:contoso/durable-hello:environment:dev');
    });

    it('encodes a colon inside a value as %3A', () => {
        expect(subject(NAME_ONLY, 'environment:Production:V1')).toBe(
            'repo:contoso/durable-hello:environment:Production%3AV1',
        );
    });

    it('a custom template (use_default: false): the listed claims in order, the immutable ids kept in the repo segment', () => {
        const custom = {
            ...IMMUTABLE,
            use_default: false,
            include_claim_keys: ['repo', 'context', 'repository_owner_id'],
        };
        expect(subject(custom, 'environment:dev')).toBe(
            'repo:contoso@123456/durable-hello@456789:environment:dev:repository_owner_id:123456',
        );
        const byIds = { ...NAME_ONLY, use_default: false, include_claim_keys: ['repository_id', 'environment'] };
        expect(subject(byIds, 'environment:dev')).toBe('repository_id:456789:environment:dev');
        // No keys of its own: the organisation's template applies.
        expect(
            subject({ ...NAME_ONLY, use_default: false }, 'environment:dev', {
                include_claim_keys: ['repository_owner', 'context'],
            }),
        ).toBe('repository_owner:contoso:environment:dev');
    });

    it('refuses what it cannot know before a run, and bad input, saying what to do', () => {
        const custom = { ...NAME_ONLY, use_default: false, include_claim_keys: ['repo', 'job_workflow_ref'] };
        expect(() => subject(custom, 'environment:dev')).toThrow(/'job_workflow_ref'.*depends on the run.*by hand/);
        const envClaim = { ...NAME_ONLY, use_default: false, include_claim_keys: ['environment'] };
        expect(() => subject(envClaim, 'pull_request')).toThrow(/only jobs with an environment/);
        expect(() => subject(NAME_ONLY, 'branch:main')).toThrow(
            /use environment:<name>, pull_request, ref:refs\/heads\/<branch>/,
        );
        expect(() => subject({ sub_claim_prefix: 'repo:contoso/x:extra' }, 'pull_request')).toThrow(
            /unexpected sub_claim_prefix/,
        );
    });
});

describe('the setup reads the format from GitHub and creates the credential with az', () => {
    const answers: Record<string, unknown> = {
        'repos/contoso/durable-hello': repository,
        'repos/contoso/durable-hello/actions/oidc/customization/sub': IMMUTABLE,
    };
    const gh =
        (calls: string[], extra: Record<string, unknown> = {}) =>
        (args: string[]) => {
            expect(args[0]).toBe('api');
            calls.push(args[1]);
            const answer = { ...answers, ...extra }[args[1]];
            if (!answer) throw new Error(`gh: HTTP 404 for ${args[1]}`);
            return JSON.stringify(answer);
        };

    it('asks the repository and its subject customization, and the organisation only when the repository defers to it', () => {
        const calls: string[] = [];
        script.readSubjectFormat('contoso/durable-hello', (p) => JSON.parse(gh(calls)(['api', p])));
        expect(calls).toEqual([
            'repos/contoso/durable-hello',
            'repos/contoso/durable-hello/actions/oidc/customization/sub',
        ]);
        const deferring = {
            'repos/contoso/durable-hello/actions/oidc/customization/sub': { use_default: false },
            'orgs/contoso/actions/oidc/customization/sub': { include_claim_keys: ['repo', 'context'] },
        };
        const calls2: string[] = [];
        const format = script.readSubjectFormat('contoso/durable-hello', (p) =>
            JSON.parse(gh(calls2, deferring)(['api', p])),
        );
        expect(calls2.at(-1)).toBe('orgs/contoso/actions/oidc/customization/sub');
        expect(format.claimKeys).toEqual(['repo', 'context']);
    });

    it('an app registration: creates the credential for the exact subject, leaves an identical one, updates a stale one', () => {
        const run = (existing: { name: string; subject: string }[]) => {
            const azCalls: string[][] = [];
            const lines: string[] = [];
            const az: Az = (args) => {
                azCalls.push(args);
                return args.includes('list') ? JSON.stringify(existing) : '{}';
            };
            script.main(['--repo', 'contoso/durable-hello', '--context', 'environment:dev', '--app', 'app-1'], {
                gh: gh([]),
                az,
                log: (l) => lines.push(l),
            });
            return { writes: azCalls.filter((c) => !c.includes('list')), lines };
        };
        const created = run([]).writes;
        expect(created).toHaveLength(1);
        expect(created[0].slice(0, 6)).toEqual(['ad', 'app', 'federated-credential', 'create', '--id', 'app-1']);
        expect(JSON.parse(created[0][7])).toEqual({
            name: 'github-environment-dev',
            issuer: 'https://token.actions.githubusercontent.com',
            subject: 'repo:contoso@123456/durable-hello@456789:environment:dev',
            audiences: ['api://AzureADTokenExchange'],
        });
        const same = run([
            { name: 'github-environment-dev', subject: 'repo:contoso@123456/durable-hello@456789:environment:dev' },
        ]);
        expect(same.writes).toEqual([]);
        expect(same.lines).toEqual([
            'Already set: federated credential github-environment-dev trusts repo:contoso@123456/durable-hello@456789:environment:dev',
        ]);
        // A credential written for the name-only form before the repository moved to immutable subjects.
        const stale = run([
            { name: 'github-environment-dev', subject: 'repo:contoso/durable-hello:environment:dev' },
        ]).writes;
        expect(stale[0].slice(0, 8)).toEqual([
            'ad',
            'app',
            'federated-credential',
            'update',
            '--id',
            'app-1',
            '--federated-credential-id',
            'github-environment-dev',
        ]);
    });

    it('a user-assigned identity: az identity federated-credential create with the same subject', () => {
        const azCalls: string[][] = [];
        script.main(
            [
                '--repo',
                'contoso/durable-hello',
                '--context',
                'environment:preview',
                '--identity',
                'id-github-preview',
                '--resource-group',
                'rg-ci',
            ],
            {
                gh: gh([]),
                az: (args) => (azCalls.push(args), ''),
                log: () => undefined,
            },
        );
        expect(azCalls).toEqual([
            [
                'identity',
                'federated-credential',
                'create',
                '--name',
                'github-environment-preview',
                '--identity-name',
                'id-github-preview',
                '--resource-group',
                'rg-ci',
                '--issuer',
                script.ISSUER,
                '--subject',
                'repo:contoso@123456/durable-hello@456789:environment:preview',
                '--audiences',
                script.AUDIENCE,
            ],
        ]);
    });

    it('--print shows the subject and touches nothing in Azure; a missing target is an error that names the options', () => {
        const lines: string[] = [];
        const az: Az = () => {
            throw new Error('az must not run');
        };
        script.main(['--repo', 'contoso/durable-hello', '--context', 'environment:dev', '--print'], {
            gh: gh([]),
            az,
            log: (l) => lines.push(l),
        });
        expect(lines).toEqual(['repo:contoso@123456/durable-hello@456789:environment:dev']);
        expect(() =>
            script.main(['--repo', 'contoso/durable-hello', '--context', 'environment:dev'], {
                gh: gh([]),
                az,
                log: () => undefined,
            }),
        ).toThrow(/--app <appId>, or --identity/);
    });
});
