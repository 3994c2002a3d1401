#!/usr/bin/env node
// Reads the JSON of `pulumi preview --refresh --expect-no-changes --json` and decides whether the stack drifted.
// Usage: drift-summary.js <preview.json> <preview exit code> <report.md>
// Prints `drift`, `clean` or `error`; for `drift` it writes a Markdown report for the drift issue.
// The report names resources, operations and property paths, never a value: the JSON carries resource inputs
// and outputs in clear text (only values Pulumi knows to be secret are blinded), and the issue may be public.
'use strict';
const fs = require('node:fs');

// Operations that change nothing (engine.ResourceChanges.HasChanges in pulumi/pulumi pkg/engine/events.go
// ignores these as well); refresh steps only report what the refresh read.
const NO_CHANGE = new Set(['same', 'read', 'read-discard', 'read-replacement', 'refresh']);
// GitHub caps an issue body at 65,536 characters.
const MAX_ROWS = 50;
const MAX_PATHS = 10;

/** `urn:pulumi:<stack>::<project>::<parent$type>::<name>` → its type and name (names may contain `::`). */
function splitUrn(urn) {
    const parts = String(urn).split('::');
    const types = (parts[2] ?? '').split('$');
    return { type: types[types.length - 1], name: parts.slice(3).join('::') };
}

function changedOps(digest) {
    return Object.entries(digest.changeSummary ?? {}).filter(([op, count]) => !NO_CHANGE.has(op) && count > 0);
}

/** `drift` when the preview proposes a change, `clean` when it proposes none and succeeded, otherwise `error`. */
function classify(previewJson, exitCode) {
    let digest;
    try {
        digest = JSON.parse(previewJson);
    } catch {
        return { status: 'error', digest: undefined };
    }
    if (changedOps(digest).length > 0) return { status: 'drift', digest };
    return { status: exitCode === 0 ? 'clean' : 'error', digest };
}

const cell = (text) =>
    String(text)
        .replace(/[|\\`]/g, (c) => `\\${c}`)
        .replace(/\s+/g, ' ');

/** Property paths that differ: detailed diff keys, else the diff or replace reasons Pulumi names. */
function changedProperties(step) {
    const paths = step.detailedDiff
        ? Object.keys(step.detailedDiff)
        : [...(step.diffReasons ?? []), ...(step.replaceReasons ?? [])];
    return [...new Set(paths)].sort();
}

function driftReport(digest, { stack, runUrl }) {
    const counts = changedOps(digest)
        .map(([op, n]) => `${n} ${op}`)
        .join(', ');
    const steps = (digest.steps ?? []).filter((s) => !NO_CHANGE.has(s.op));
    const rows = steps.slice(0, MAX_ROWS).map((s) => {
        const { type, name } = splitUrn(s.urn);
        const props = changedProperties(s);
        const shown = props.slice(0, MAX_PATHS).map((p) => `\`${cell(p)}\``);
        if (props.length > MAX_PATHS) shown.push(`${props.length - MAX_PATHS} more`);
        return `| ${cell(s.op)} | \`${cell(type)}\` | ${cell(name)} | ${shown.join(', ') || '-'} |`;
    });
    return [
        `A refreshed \`pulumi preview\` of stack \`${stack}\` found resources that no longer match the program: ${counts}.`,
        '',
        '| operation the next `pulumi up` would run | type | resource | properties that differ |',
        '| --- | --- | --- | --- |',
        ...rows,
        ...(steps.length > MAX_ROWS ? ['', `${steps.length - MAX_ROWS} more in the run log.`] : []),
        '',
        `Run: ${runUrl}`,
        '',
        'Values are left out on purpose. To see them, run `pulumi preview --refresh --diff --stack ' +
            stack +
            '` with access',
        "to the stack. Then either undo the change in Azure, or let the next deployment restore the program's",
        'configuration, or change the program to adopt it. This issue closes itself when a check finds the stack clean.',
    ].join('\n');
}

function main([jsonFile, exitCode, reportFile]) {
    if (!jsonFile || exitCode === undefined || !reportFile) {
        console.error('usage: drift-summary.js <preview.json> <preview exit code> <report.md>');
        process.exit(2);
    }
    const text = fs.existsSync(jsonFile) ? fs.readFileSync(jsonFile, 'utf8') : '';
    const { status, digest } = classify(text, Number(exitCode));
    if (status === 'drift') {
        fs.writeFileSync(
            reportFile,
            driftReport(digest, {
                stack: process.env.STACK ?? 'dev',
                runUrl: process.env.RUN_URL ?? '(run URL unknown)',
            }),
        );
    }
    console.log(status);
}

if (require.main === module) main(process.argv.slice(2));

module.exports = { classify, driftReport, splitUrn };
