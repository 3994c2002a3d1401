import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleApp } from './bundle';
import { canonicalJson, deployedHostJson, type DurableBackend } from './hostJson';
import { createZip, type ZipEntry } from './zip';

export type { DurableBackend } from './hostJson';

/** The bundle's name inside the zip; the zip's package.json `main` points at it. */
export const BUNDLE_NAME = 'index.js';

export interface BuildPackageOptions {
    /** The function app folder (with host.json, package.json and src/functions/). */
    appDir: string;
    /** Where to write the zip, e.g. dist/app.zip. */
    outFile: string;
    durableBackend?: DurableBackend;
    /** Extra folders to resolve packages from; only needed for a copy of app/ outside the repo. */
    nodePaths?: string[];
    /** The Node major the app runs on; the bundle targets it (default 22). */
    nodeVersion?: string;
}

export interface BuiltPackage {
    /** Absolute path of the zip written. */
    path: string;
    /** Hex sha256 of the zip: the deployment's key. */
    sha256: string;
    /** Size of the zip in bytes. */
    bytes: number;
    /** Entry names in the zip, sorted. */
    files: string[];
    bundleBytes: number;
    functionFiles: string[];
    composition: [string, number][];
}

function readAppManifest(appDir: string): { name: string; version: string } {
    const file = path.join(appDir, 'package.json');
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
    if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string') {
        throw new Error(`${file} needs a string "name" and "version".`);
    }
    return { name: manifest.name, version: manifest.version };
}

/**
 * Builds the deployable zip: host.json, a package.json whose `main` is the bundle, and the bundle.
 * Byte-reproducible: the same sources give the same sha256 whatever the files' mtimes.
 */
export function buildPackage({ appDir, outFile, durableBackend = 'azureStorage', nodePaths, nodeVersion }: BuildPackageOptions): BuiltPackage {
    const dir = path.resolve(appDir);
    const hostFile = path.join(dir, 'host.json');
    if (!fs.existsSync(hostFile)) throw new Error(`${hostFile} not found: appDir must be the function app folder.`);
    const { name, version } = readAppManifest(dir);
    const bundle = bundleApp({ appDir: dir, nodePaths, nodeVersion });
    const entries: ZipEntry[] = [
        { name: 'host.json', data: Buffer.from(deployedHostJson(fs.readFileSync(hostFile, 'utf8'), durableBackend)) },
        { name: 'package.json', data: Buffer.from(canonicalJson({ name, version, private: true, main: BUNDLE_NAME })) },
        { name: BUNDLE_NAME, data: bundle.code },
    ];
    const zip = createZip(entries);
    const out = path.resolve(outFile);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    // Write then rename: a concurrent reader (or a second build) never sees a half-written zip.
    const partial = `${out}.${process.pid}.partial`;
    fs.writeFileSync(partial, zip);
    fs.renameSync(partial, out);
    return {
        path: out,
        sha256: createHash('sha256').update(zip).digest('hex'),
        bytes: zip.length,
        files: entries.map((e) => e.name).sort(),
        bundleBytes: bundle.code.length,
        functionFiles: bundle.functionFiles,
        composition: bundle.composition,
    };
}
