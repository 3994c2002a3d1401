#!/usr/bin/env node
// The job summary of a Pulumi job that failed or was cancelled: what state the stack may be in and the runbook.
// Usage (in a step with `if: failure() || cancelled()`):
//   node .github/scripts/recovery-summary.js <stack> <operation> <outcome of the pulumi step> >> "$GITHUB_STEP_SUMMARY"
// The outcome (steps.<id>.outcome: success, failure, cancelled or skipped) says whether Pulumi itself stopped midway.
// Reads GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_SHA for the runbook's link (the runbook of this commit).
'use strict';

const RUNBOOK = 'docs/recovery.md';
const OPERATIONS = new Set(['up', 'destroy', 'preview']);

function runbookUrl(env) {
    const { GITHUB_SERVER_URL: server = 'https://github.com', GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = env;
    if (!repo || !sha) return RUNBOOK;
    return `${server}/${repo}/blob/${sha}/${RUNBOOK}`;
}

function recoverySummary(stack, operation, outcome, env = process.env) {
    if (!/^[\w.-]+$/.test(stack ?? '')) throw new Error(`Not a stack name: '${stack}'.`);
    if (!OPERATIONS.has(operation))
        throw new Error(`Unknown operation '${operation}': one of ${[...OPERATIONS].join(', ')}.`);
    const title = `## \`pulumi ${operation}\` of stack \`${stack}\``;
    if (outcome === 'success') {
        return `${title} finished\n\nA later step failed (see its log); Pulumi completed, so the stack and its state agree: nothing to recover.\n`;
    }
    if (outcome !== 'failure' && outcome !== 'cancelled') {
        return `${title} did not start\n\nThe job stopped before Pulumi ran (see the log): the stack was not touched.\n`;
    }
    const how = outcome === 'cancelled' ? 'was cancelled' : 'failed';
    if (operation === 'preview') {
        return `${title} ${how}\n\nA preview changes nothing in Azure or in the state; fix the cause in the log and push again.\n`;
    }
    return [
        `${title} ${how}`,
        '',
        'Resources may have been created, changed or deleted before the stop. If the CLI was interrupted (cancel, timeout),',
        'the stack can be **locked** (`the stack is currently locked`) and carry **pending operations**',
        '(`interrupted while creating`); the next run then fails or warns until they are resolved.',
        '',
        `Before running the workflow again, follow the runbook: [${RUNBOOK}](${runbookUrl(env)}). It says how to tell which case this is`,
        'and when `pulumi cancel`, `pulumi refresh --clear-pending-creates` or `pulumi stack export/import` is safe.',
        '',
    ].join('\n');
}

module.exports = { recoverySummary, runbookUrl };

if (require.main === module) {
    try {
        const [stack, operation, outcome] = process.argv.slice(2);
        process.stdout.write(recoverySummary(stack, operation, outcome));
    } catch (err) {
        console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
    }
}
