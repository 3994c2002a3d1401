/**
 * Runs in a fresh `node` process: provides `@azure/functions-core` as the Functions worker does, then
 * times `require` of the files given on the command line (the app's entry files). Prints one JSON line.
 */
import Module from 'node:module';
import { FunctionsCore } from '../local-host/worker-process/functionsCore';

const CORE_ID = '@azure/functions-core';
const core = new FunctionsCore();
const coreModule = new Module(CORE_ID);
coreModule.exports = core.api;
coreModule.loaded = true;
const internal = Module as unknown as {
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
    _cache: Record<string, Module>;
};
const resolve = internal._resolveFilename;
internal._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === CORE_ID ? CORE_ID : resolve.call(this, request, ...rest);
};
internal._cache[CORE_ID] = coreModule;

const files = process.argv.slice(2);
const started = process.hrtime.bigint();
for (const file of files) require(file);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(JSON.stringify({ ms, functions: [...core.registrations.keys()].sort() }) + '\n');
