import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildPackage } from '../../infra/package/index';
import { createZip, type ZipEntry } from '../../infra/package/zip';

export interface PackageFigures {
    packageBytes: number;
    packageFiles: number;
    naivePackageBytes: number;
    naivePackageFiles: number;
}

interface Manifest {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
}

const readManifest = (dir: string): Manifest =>
    JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;

/** Node's lookup: the nearest `node_modules/<name>` walking up from `fromDir`. */
function findPackage(name: string, fromDir: string): string | undefined {
    for (let dir = fromDir; ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, 'node_modules', name);
        if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
        if (path.dirname(dir) === dir) return undefined;
    }
}

/** The production dependency closure of `appDir` (what `npm install --omit=dev` would put in its node_modules). */
export function productionClosure(appDir: string): Map<string, string> {
    const found = new Map<string, string>(); // package dir -> package name
    const visit = (fromDir: string) => {
        const manifest = readManifest(fromDir);
        const deps = { ...manifest.dependencies, ...manifest.optionalDependencies };
        for (const name of Object.keys(deps)) {
            const dir = findPackage(name, fromDir);
            if (!dir) {
                if (manifest.optionalDependencies?.[name]) continue;
                throw new Error(`${name} (needed by ${fromDir}) is not installed: run npm ci at the repository root.`);
            }
            if (found.has(dir)) continue;
            found.set(dir, name);
            visit(dir);
        }
    };
    visit(appDir);
    return found;
}

function filesUnder(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile())
        .map((e) => path.join(e.parentPath, e.name));
}

/**
 * The naive package: app/ as a developer would zip it after `npm run build` and a production install:
 * host.json, package.json, the tsc output (dist/) and node_modules with the production closure.
 */
export function naiveEntries(appDir: string): ZipEntry[] {
    const entries: ZipEntry[] = ['host.json', 'package.json'].map((f) => ({
        name: f,
        data: fs.readFileSync(path.join(appDir, f)),
    }));
    const compiled = path.join(appDir, 'dist');
    if (!fs.existsSync(compiled)) throw new Error(`${compiled} is missing: run npm run build first.`);
    for (const file of filesUnder(compiled))
        entries.push({ name: path.relative(appDir, file).split(path.sep).join('/'), data: fs.readFileSync(file) });
    const repoRoot = path.dirname(appDir);
    for (const dir of productionClosure(appDir).keys()) {
        for (const file of filesUnder(dir)) {
            if (path.relative(dir, file).split(path.sep).includes('node_modules')) continue; // nested packages are closure members of their own
            // The layout npm gives: hoisted to the root node_modules or nested, exactly as installed.
            const rel = path
                .relative(file.startsWith(appDir + path.sep) ? appDir : repoRoot, file)
                .split(path.sep)
                .join('/');
            entries.push({ name: rel, data: fs.readFileSync(file) });
        }
    }
    return entries;
}

export function measurePackages(repoRoot: string): PackageFigures {
    const appDir = path.join(repoRoot, 'app');
    const ours = buildPackage({ appDir, outFile: path.join(repoRoot, 'dist', 'app.zip') });
    const naiveFiles = naiveEntries(appDir);
    const naive = createZip(naiveFiles);
    fs.writeFileSync(path.join(repoRoot, 'dist', 'naive-app.zip'), naive);
    return {
        packageBytes: ours.bytes,
        packageFiles: ours.files.length,
        naivePackageBytes: naive.length,
        naivePackageFiles: naiveFiles.length,
    };
}
