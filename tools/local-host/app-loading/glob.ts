import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** Expands a relative pattern with `*`, `?` and `**` segments (the forms package.json `main` uses), sorted. */
export function globFiles(baseDir: string, pattern: string): string[] {
    const segments = pattern.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
    const results: string[] = [];
    const walk = (dir: string, index: number): void => {
        if (index === segments.length) {
            if (isFile(dir)) results.push(dir);
            return;
        }
        const segment = segments[index];
        if (segment === '**') {
            walk(dir, index + 1);
            for (const entry of listDir(dir)) if (entry.isDirectory() && entry.name !== 'node_modules') walk(path.join(dir, entry.name), index);
            return;
        }
        if (!/[*?]/.test(segment)) {
            walk(path.join(dir, segment), index + 1);
            return;
        }
        const matcher = new RegExp(`^${segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
        for (const entry of listDir(dir)) if (matcher.test(entry.name)) walk(path.join(dir, entry.name), index + 1);
    };
    walk(baseDir, 0);
    return [...new Set(results)].sort();
}

function listDir(dir: string) {
    try {
        return readdirSync(dir, { withFileTypes: true });
    } catch {
        return [];
    }
}

function isFile(file: string): boolean {
    try {
        return statSync(file).isFile();
    } catch {
        return false;
    }
}
