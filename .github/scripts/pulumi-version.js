#!/usr/bin/env node
// Prints `version=<x.y.z>`: the Pulumi CLI version for pulumi/actions' `pulumi-version` input, read from the
// @pulumi/pulumi SDK that package-lock.json pins. The CLI and the Node SDK are released together from one
// pulumi/pulumi tag with one version number, so Dependabot's bump of the SDK (the `pulumi` group in
// dependabot.yml) moves the CLI with it; nothing else to keep in step. pulumi/actions would otherwise install
// the newest 3.x (its README: `pulumi-version` defaults to "^3").
// Usage: node .github/scripts/pulumi-version.js [package-lock.json] >> "$GITHUB_OUTPUT"
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function pulumiVersion(lockText) {
    const lock = JSON.parse(lockText);
    const version = lock.packages?.['node_modules/@pulumi/pulumi']?.version;
    if (!/^\d+\.\d+\.\d+$/.test(version ?? '')) {
        throw new Error(
            `package-lock.json pins no exact @pulumi/pulumi version (found ${JSON.stringify(version)}); run npm install and commit the lockfile.`,
        );
    }
    return version;
}

module.exports = { pulumiVersion };

if (require.main === module) {
    const file = process.argv[2] ?? path.join(__dirname, '..', '..', 'package-lock.json');
    try {
        console.log(`version=${pulumiVersion(fs.readFileSync(file, 'utf8'))}`);
    } catch (err) {
        console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
    }
}
