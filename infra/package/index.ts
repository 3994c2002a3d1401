import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleApp } from './bundle';
import { canonicalJson, deployedHostJson, type DurableBackend } from './hostJson';
import { indexBundle, manifestJson, manifestOf, manifestPathFor, type AppManifest } from './manifest';
import { createZip, type ZipEntry } from './zip';

export type { DurableBackend } from './hostJson';
export type { AppManifest, ManifestFunction } from './manifest';

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
    /**
     * App settings the app reads while it registers its functions (e.g. an HTTP function's auth level),
     * set while it is indexed so the manifest shows what the host will see. Default: none.
     */
    appSettings?: Record<string, string>;
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
    /** The app's functions as the host indexes them, also written beside the zip (see manifestPathFor). */
    manifest: AppManifest;
    manifestPath: string;
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
export function buildPackage({
    appDir,
    outFile,
    durableBackend = 'azureStorage',
    nodePaths,
    nodeVersion,
    appSettings,
}: BuildPackageOptions): BuiltPackage {
    const dir = path.resolve(appDir);
    const hostFile = path.join(dir, 'host.json');
    if (!fs.existsSync(hostFile)) throw new Error(`${hostFile} not found: appDir must be the function app folder.`);
    const { name, version } = readAppManifest(dir);
    const bundle = bundleApp({ appDir: dir, nodePaths, nodeVersion });
    const hostJson = deployedHostJson(fs.readFileSync(hostFile, 'utf8'), durableBackend);
    const out = path.resolve(outFile);
    const manifest = manifestOf(
        indexBundle(bundle.code.toString('utf8'), path.join(path.dirname(out), BUNDLE_NAME), appSettings),
        hostJson,
    );
    const entries: ZipEntry[] = [
        { name: 'host.json', data: Buffer.from(hostJson) },
        { name: 'package.json', data: Buffer.from(canonicalJson({ name, version, private: true, main: BUNDLE_NAME })) },
        { name: BUNDLE_NAME, data: bundle.code },
    ];
    const zip = createZip(entries);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const manifestPath = manifestPathFor(out);
    writeAtomically(out, zip);
    writeAtomically(manifestPath, Buffer.from(manifestJson(manifest)));
    return {
        path: out,
        sha256: createHash('sha256').update(zip).digest('hex'),
        bytes: zip.length,
        files: entries.map((e) => e.name).sort(),
        bundleBytes: bundle.code.length,
        functionFiles: bundle.functionFiles,
        composition: bundle.composition,
        manifest,
        manifestPath,
    };
}

/** Write then rename: a concurrent reader (or a second build) never sees a half-written file. */
function writeAtomically(file: string, data: Buffer): void {
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, data);
    fs.renameSync(partial, file);
}

/** The manifest of the app in `appDir` as `buildPackage` would write it, without writing a zip. */
export function appManifest(
    appDir: string,
    options: { nodePaths?: string[]; appSettings?: Record<string, string> } = {},
): AppManifest {
    const dir = path.resolve(appDir);
    const hostJson = deployedHostJson(fs.readFileSync(path.join(dir, 'host.json'), 'utf8'));
    const bundle = bundleApp({ appDir: dir, nodePaths: options.nodePaths });
    return manifestOf(
        indexBundle(bundle.code.toString('utf8'), path.join(dir, BUNDLE_NAME), options.appSettings),
        hostJson,
    );
}
