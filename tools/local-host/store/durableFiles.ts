import { promises as fs } from 'node:fs';
import * as path from 'node:path';

let tmpCounter = 0;

/** Appends and `fdatasync`s: once this resolves the bytes survive a crash or a power loss. */
export async function appendDurably(file: string, data: string): Promise<void> {
    const handle = await fs.open(file, 'a');
    try {
        await handle.writeFile(data);
        await handle.datasync();
    } finally {
        await handle.close();
    }
}

/**
 * Replaces a file as a whole: temp file, fsync, rename, then fsync of the directory so the rename
 * itself is durable. A crash leaves the old or the new file, never a mix.
 */
export async function replaceDurably(file: string, data: string, dirSync: DirectorySync): Promise<void> {
    const tmp = `${file}.${process.pid}.${++tmpCounter}.tmp`;
    let handle: fs.FileHandle;
    try {
        handle = await fs.open(tmp, 'w');
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        await fs.mkdir(path.dirname(file), { recursive: true });
        handle = await fs.open(tmp, 'w');
    }
    try {
        await handle.writeFile(data);
        await handle.sync();
    } finally {
        await handle.close();
    }
    await fs.rename(tmp, file);
    await dirSync.sync();
}

/**
 * fsync of a directory, shared: callers that arrive while one runs wait for the next, which covers
 * all of them (many instances created at once cost a few directory syncs, not one each).
 */
export class DirectorySync {
    #running?: Promise<void>;
    #next?: Promise<void>;

    constructor(readonly dir: string) {}

    sync(): Promise<void> {
        if (!this.#running) {
            this.#running = this.#syncOnce().finally(() => (this.#running = undefined));
            return this.#running;
        }
        this.#next ??= this.#running.then(() => {
            this.#next = undefined;
            return this.sync();
        });
        return this.#next;
    }

    async #syncOnce(): Promise<void> {
        const handle = await fs.open(this.dir, 'r');
        try {
            await handle.sync();
        } finally {
            await handle.close();
        }
    }
}
