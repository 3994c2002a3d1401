#!/usr/bin/env node
// Creates (or updates) the Entra federated credential that lets one GitHub Actions context act as an identity,
// with the subject exactly as GitHub will send it for this repository. docs/ci-cd.md, "One-time setup".
//
//   node .github/scripts/federated-credentials.js --repo <owner/name> --context environment:dev --app <appId>
//   node .github/scripts/federated-credentials.js --repo <owner/name> --context environment:preview \
//     --identity <name> --resource-group <rg>
//   node .github/scripts/federated-credentials.js --repo <owner/name> --context environment:dev --print
//
// Needs the GitHub CLI (`gh auth login`, admin or read on the repository) and, unless --print, the Azure CLI.
'use strict';
const { execFileSync } = require('node:child_process');

const ISSUER = 'https://token.actions.githubusercontent.com';
const AUDIENCE = 'api://AzureADTokenExchange';

// Claims this script can fill in before any run. Others (ref, sha, actor, workflow, job_workflow_ref, run_*...)
// depend on the run itself: a trust on them is written by hand.
const STATIC_CLAIMS = [
    'repo',
    'context',
    'repository',
    'repository_id',
    'repository_owner',
    'repository_owner_id',
    'repository_visibility',
    'environment',
];

/** GitHub replaces `:` inside a claim value with `%3A` (github/docs content/actions/reference/security/oidc.md). */
const encodeValue = (value) => String(value).replaceAll(':', '%3A');

/**
 * How GitHub writes this repository's subject claims, from GET /repos/{owner}/{repo} and
 * GET /repos/{owner}/{repo}/actions/oidc/customization/sub (and the organisation's template when the repository
 * defers to it). The customization answer carries `sub_claim_prefix`, GitHub's own preview of the prefix (with the
 * immutable ids for repositories created, renamed or transferred after the cut-over, or opted in); it is used as is.
 */
function subjectFormat(repository, customization, orgTemplate) {
    const [owner, name] = String(repository.full_name).split('/');
    const immutable = `repo:${owner}@${repository.owner.id}/${name}@${repository.id}`;
    const prefix =
        customization.sub_claim_prefix || (customization.use_immutable_subject ? immutable : `repo:${owner}/${name}`);
    if (!/^repo:[^:\s]+\/[^:\s]+$/.test(prefix)) {
        throw new Error(
            `GitHub answered an unexpected sub_claim_prefix '${prefix}' for ${repository.full_name}: expected repo:<owner>/<name>, with or without @<id> parts.`,
        );
    }
    const custom = customization.use_default === false;
    const keys = custom
        ? customization.include_claim_keys?.length
            ? customization.include_claim_keys
            : orgTemplate?.include_claim_keys
        : undefined;
    return { prefix, claimKeys: keys?.length ? [...keys] : undefined, repository };
}

/**
 * `environment:NAME`, `pull_request`, `ref:refs/heads/BRANCH` or `ref:refs/tags/TAG`: the part after the repository.
 */
function parseContext(context) {
    const match = /^(environment|ref):(.+)$/.exec(context);
    if (context === 'pull_request') return { kind: 'pull_request', text: 'pull_request' };
    if (!match || (match[1] === 'ref' && !/^refs\/(heads|tags)\/./.test(match[2]))) {
        throw new Error(
            `Unknown context '${context}': use environment:<name>, pull_request, ref:refs/heads/<branch> or ref:refs/tags/<tag>.`,
        );
    }
    return { kind: match[1], value: match[2], text: `${match[1]}:${encodeValue(match[2])}` };
}

/** The `sub` a job in `context` presents: the default `<prefix>:<context>`, or the claims of a custom template. */
function subjectFor(format, context) {
    const ctx = parseContext(context);
    if (!format.claimKeys) return `${format.prefix}:${ctx.text}`;
    const repo = format.repository;
    const values = {
        // The immutable ids stay in the repo segment of a customised subject too (GitHub docs, as above).
        repo: () => format.prefix.slice('repo:'.length),
        context: () => ctx.text,
        repository: () => repo.full_name,
        repository_id: () => repo.id,
        repository_owner: () => repo.owner.login,
        repository_owner_id: () => repo.owner.id,
        repository_visibility: () => repo.visibility,
        environment: () => {
            if (ctx.kind !== 'environment')
                throw new Error(
                    `The template includes the environment claim, which only jobs with an environment have; '${context}' has none.`,
                );
            return ctx.value;
        },
    };
    return format.claimKeys
        .map((key) => {
            if (!STATIC_CLAIMS.includes(key)) {
                throw new Error(
                    `The repository's subject template includes '${key}', whose value depends on the run: write that federated credential by hand ` +
                        '(its subject is printed in the azure/login error of a first run), or reset the template (use_default: true).',
                );
            }
            return key === 'context' ? values.context() : `${key}:${encodeValue(values[key]())}`;
        })
        .join(':');
}

/** A credential name Entra accepts (letters, digits, - and _), one per context. */
const credentialName = (context) => `github-${context.replace(/[^A-Za-z0-9_-]+/g, '-')}`.slice(0, 120);

/** The az commands that make `name` trust `subject`: an app registration's, or a user-assigned identity's. */
function azCommands(target, name, subject, existing = []) {
    if (target.app) {
        const parameters = JSON.stringify({ name, issuer: ISSUER, subject, audiences: [AUDIENCE] });
        const found = existing.find((c) => c.name === name);
        if (found?.subject === subject) return [];
        return found
            ? [
                  [
                      'ad',
                      'app',
                      'federated-credential',
                      'update',
                      '--id',
                      target.app,
                      '--federated-credential-id',
                      name,
                      '--parameters',
                      parameters,
                  ],
              ]
            : [['ad', 'app', 'federated-credential', 'create', '--id', target.app, '--parameters', parameters]];
    }
    // `az identity federated-credential create` is a PUT: it creates or replaces.
    return [
        [
            'identity',
            'federated-credential',
            'create',
            '--name',
            name,
            '--identity-name',
            target.identity,
            '--resource-group',
            target.resourceGroup,
            '--issuer',
            ISSUER,
            '--subject',
            subject,
            '--audiences',
            AUDIENCE,
        ],
    ];
}

function readSubjectFormat(repo, ghApi) {
    const repository = ghApi(`repos/${repo}`);
    const customization = ghApi(`repos/${repo}/actions/oidc/customization/sub`);
    const needsOrg =
        customization.use_default === false &&
        !customization.include_claim_keys?.length &&
        repository.owner.type === 'Organization';
    const orgTemplate = needsOrg ? ghApi(`orgs/${repository.owner.login}/actions/oidc/customization/sub`) : undefined;
    return subjectFormat(repository, customization, orgTemplate);
}

function parseArgs(argv) {
    const args = {};
    for (let i = 0; i < argv.length; i++) {
        const key = argv[i].replace(/^--/, '');
        if (key === 'print') args.print = true;
        else args[key] = argv[++i];
    }
    if (!/^[^/\s]+\/[^/\s]+$/.test(args.repo ?? '') || !args.context)
        throw new Error(
            'Usage: --repo <owner/name> --context <environment:NAME|...> (--app <appId> | --identity <name> --resource-group <rg> | --print)',
        );
    if (!args.print && !args.app && !(args.identity && args['resource-group']))
        throw new Error(
            'Name the identity: --app <appId>, or --identity <name> --resource-group <rg> (or --print to only show the subject).',
        );
    return {
        repo: args.repo,
        context: args.context,
        print: Boolean(args.print),
        target: { app: args.app, identity: args.identity, resourceGroup: args['resource-group'] },
    };
}

const cli = (command) => (args) =>
    execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

function main(argv, { gh = cli('gh'), az = cli('az'), log = console.log } = {}) {
    const { repo, context, print, target } = parseArgs(argv);
    const format = readSubjectFormat(repo, (path) => JSON.parse(gh(['api', path])));
    const subject = subjectFor(format, context);
    if (print) return log(subject);
    const name = credentialName(context);
    const existing = target.app
        ? JSON.parse(az(['ad', 'app', 'federated-credential', 'list', '--id', target.app, '-o', 'json']) || '[]')
        : [];
    const commands = azCommands(target, name, subject, existing);
    for (const command of commands) az(command);
    log(`${commands.length ? 'Set' : 'Already set'}: federated credential ${name} trusts ${subject}`);
}

module.exports = {
    subjectFormat,
    subjectFor,
    credentialName,
    azCommands,
    readSubjectFormat,
    parseArgs,
    main,
    ISSUER,
    AUDIENCE,
};

if (require.main === module) {
    try {
        main(process.argv.slice(2));
    } catch (err) {
        console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
    }
}
