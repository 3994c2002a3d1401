import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';

const IGNORED_DIRS = new Set(['node_modules', '.git', '.durable-local', '.vscode']);
// Editor scratch files: vim swap/backup, emacs lock files, vim's write test file.
const SCRATCH = /(\.sw[a-p]x?|~|\.tmp)$|(^|\/)\.#|(^|\/)4913$/;

export interface WatchOptions {
    /** Folders under the app whose changes do not count (e.g. tsc's outDir when the host builds from sources). */
    ignoreDirs?: string[];
    debounceMs?: number;
}

/**
 * Calls `onChange` with the files (relative to `dir`) changed since the last call, after changes have
 * settled for `debounceMs`; never runs two `onChange` at once (changes meanwhile make one more call).
 */
export function watchFolder(
    dir: string,
    onChange: (files: string[]) => Promise<void>,
    options: WatchOptions = {},
): () => void {
    const ignored = new Set([
        ...IGNORED_DIRS,
        ...(options.ignoreDirs ?? []).map((d) => d.replace(/\\/g, '/').replace(/^\.\/|\/$/g, '')),
    ]);
    let pending = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running: Promise<void> | undefined;

    const flush = async (): Promise<void> => {
        timer = undefined;
        if (running || pending.size === 0) return;
        const files = [...pending].sort();
        pending = new Set();
        running = onChange(files).finally(() => {
            running = undefined;
            if (pending.size > 0) schedule();
        });
        await running;
    };
    const schedule = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => void flush(), options.debounceMs ?? 80);
    };
    const watcher: FSWatcher = watch(dir, { recursive: true }, (_event, filename) => {
        if (!filename) return;
        const file = filename.toString().replace(/\\/g, '/');
        const segments = file.split('/');
        if (
            segments.some((s, i) => ignored.has(s) || ignored.has(segments.slice(0, i + 1).join('/'))) ||
            SCRATCH.test(file)
        )
            return;
        pending.add(file);
        schedule();
    });
    return () => {
        clearTimeout(timer);
        watcher.close();
    };
}

/** tsc's outDir when the host builds the app from its TypeScript sources: its output is not a source. */
export function outDirOf(appDir: string, main: string, fromSources: boolean): string[] {
    if (!fromSources) return [];
    const first = path.posix.normalize(main.replace(/\\/g, '/')).replace(/^\.\//, '').split('/')[0];
    return first && !first.includes('*') ? [first] : [];
}
