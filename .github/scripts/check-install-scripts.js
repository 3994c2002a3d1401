#!/usr/bin/env node
// Fails when package-lock.json holds a dependency with an install script that package.json's `allowScripts`
// has not reviewed (approved with `true` or denied with `false`), or when an entry no longer matches one.
// It reads only the two files, so it runs before `npm ci` and works with any npm: npm 10 ignores
// `allowScripts`, npm 11 warns about unreviewed scripts and npm 12 blocks them (npm help install-scripts).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** `name` or `name@1.2.3` (also `name@1.2.3 || 1.2.4`); a scope's leading `@` is part of the name. */
function parseEntry(key) {
    const at = key.indexOf('@', 1);
    if (at === -1) return { name: key, versions: undefined };
    const versions = key
        .slice(at + 1)
        .split('||')
        .map((v) => v.trim());
    return { name: key.slice(0, at), versions, unsupported: versions.some((v) => !EXACT_VERSION.test(v)) };
}

/** Installed packages that carry an install script: npm records `hasInstallScript` in lockfile v2 and v3. */
function packagesWithInstallScripts(lock) {
    if (!lock.packages)
        throw new Error(
            `package-lock.json is lockfileVersion ${lock.lockfileVersion}; run npm install with npm 9 or newer to write version 3`,
        );
    return Object.entries(lock.packages)
        .filter(([where, entry]) => where.includes('node_modules/') && entry.hasInstallScript && !entry.link)
        .map(([where, entry]) => ({
            name: entry.name ?? where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length),
            version: entry.version,
        }));
}

/**
 * Compares the lockfile's install scripts with `allowScripts`. Returns the problems (empty when every script is
 * reviewed and every entry is in use) and the decisions that apply.
 */
function reviewInstallScripts(pkg, lock) {
    const allow = pkg.allowScripts ?? {};
    const problems = [];
    const entries = Object.entries(allow).map(([key, value]) => ({ key, value, ...parseEntry(key), used: false }));
    for (const e of entries) {
        if (typeof e.value !== 'boolean')
            problems.push(
                `allowScripts["${e.key}"] is ${JSON.stringify(e.value)}: use true (run it) or false (skip it)`,
            );
        if (e.unsupported)
            problems.push(
                `allowScripts["${e.key}"]: name a package alone or with exact versions (${e.name}@1.2.3), as \`npm install-scripts approve\` writes`,
            );
    }
    const decisions = [];
    for (const { name, version } of packagesWithInstallScripts(lock)) {
        const matching = entries.filter(
            (e) => e.name === name && (e.versions === undefined || e.versions.includes(version)),
        );
        matching.forEach((e) => (e.used = true));
        if (matching.length === 0) {
            problems.push(
                `${name}@${version} has an install script nobody reviewed: read it, then run \`npm install-scripts approve ${name}\` if the package needs it or \`npm install-scripts deny ${name}\` if it works without it`,
            );
            continue;
        }
        // npm: an explicit false always wins over an approval.
        decisions.push({ name, version, runs: matching.every((e) => e.value === true) });
    }
    for (const e of entries.filter((x) => !x.used)) {
        problems.push(
            `allowScripts["${e.key}"] matches no installed package with an install script: remove it (npm install-scripts prune)`,
        );
    }
    return { problems, decisions };
}

function main() {
    const root = path.resolve(__dirname, '..', '..');
    const read = (file) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
    const { problems, decisions } = reviewInstallScripts(read('package.json'), read('package-lock.json'));
    if (problems.length > 0) {
        for (const p of problems) console.error(`error: ${p}`);
        process.exit(1);
    }
    const approved = decisions.filter((d) => d.runs).map((d) => `${d.name}@${d.version}`);
    console.log(`install scripts: ${decisions.length} reviewed; run: ${approved.join(', ') || 'none'}`);
}

if (require.main === module) main();

module.exports = { reviewInstallScripts };
