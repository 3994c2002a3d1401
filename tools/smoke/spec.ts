import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The app's own smoke check (`app/smoke.json`): which orchestration the post-deploy check starts, with
 * which input, and the output it must complete with. It lives with the app, so a team that replaces the
 * workflow replaces the check in the same change; `npm run smoke` and the pipeline only run it.
 */
export const SPEC_FILE = 'smoke.json';

export interface SmokeSpec {
    /** The orchestrator to start through the app's HTTP starter. */
    orchestrator: string;
    /** The orchestration input (the starter's JSON body); absent: no body. */
    input?: unknown;
    /** The output the instance must complete with (compared as JSON). */
    expectedOutput: unknown;
}

const KEYS = ['description', 'orchestrator', 'input', 'expectedOutput'];

/** Reads and checks `<appDir>/smoke.json`; every problem says what to write instead. */
export function readSmokeSpec(appDir: string): SmokeSpec {
    const file = path.join(appDir, SPEC_FILE);
    const example = '{ "orchestrator": "<name>", "input": <JSON, optional>, "expectedOutput": <JSON> }';
    if (!fs.existsSync(file)) throw new Error(`${file} not found: the smoke check needs ${example}.`);
    let spec: Record<string, unknown>;
    try {
        spec = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
        throw new Error(`${file} is not valid JSON (${(err as Error).message}); write ${example}.`);
    }
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
        throw new Error(`${file} must hold an object: ${example}.`);
    const unknown = Object.keys(spec).filter((key) => !KEYS.includes(key));
    const problems = [
        ...(typeof spec.orchestrator !== 'string' || spec.orchestrator === ''
            ? ['"orchestrator" must name the orchestrator to start']
            : []),
        ...(!('expectedOutput' in spec) ? ['"expectedOutput" must give the output it completes with'] : []),
        ...(unknown.length > 0 ? [`unknown key(s) ${unknown.join(', ')} (allowed: ${KEYS.join(', ')})`] : []),
    ];
    if (problems.length > 0) throw new Error(`${file}: ${problems.join('; ')}.`);
    return {
        orchestrator: spec.orchestrator as string,
        ...('input' in spec ? { input: spec.input } : {}),
        expectedOutput: spec.expectedOutput,
    };
}

/**
 * The starter URL for `orchestrator`: the API base URL plus the starter's route template with
 * `{functionName}` filled in (an optional `{instanceId?}` left out), and the function key as `code=`.
 */
export function starterUrlFor(apiBaseUrl: string, routeTemplate: string, orchestrator: string, key = ''): string {
    const route = routeTemplate
        .replace(/\{functionName(:[^}]*)?\}/, encodeURIComponent(orchestrator))
        .replace(/\/?\{[^}]*\?\}/g, '')
        .replace(/^\/+/, '');
    const left = /\{[^}]*\}/.exec(route);
    if (!routeTemplate.includes('{functionName') || left) {
        throw new Error(
            `The starter route '${routeTemplate}' must take the orchestrator as {functionName} and no other required parameter.`,
        );
    }
    const url = new URL(`${apiBaseUrl.replace(/\/+$/, '')}/${route}`);
    if (key) url.searchParams.set('code', key);
    return url.toString();
}
