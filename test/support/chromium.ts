import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (.ci/run installs it), or CHROMIUM_PATH. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

/** Real headless Chromium for the dashboards' browser tests; says what to install when it is missing. */
export function launchChromium(): Promise<Browser> {
    if (!existsSync(CHROMIUM)) {
        throw new Error(
            `No Chromium at ${CHROMIUM}. Install Debian's (apt-get install -y chromium; .ci/run does this) or set CHROMIUM_PATH to a Chrome/Chromium binary.`,
        );
    }
    return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
