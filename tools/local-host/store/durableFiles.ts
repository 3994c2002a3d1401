import * as fsCb from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

let tmpCounter = 0;

/**
 * Appends with `fdatasync`: once `append` resolves the bytes survive a crash or a power loss. Keeps
 * the logs of running instances open (up to `max`, least recently used closed first), so an append
 * costs a write and a sync, not also an open and a close.
 */
export class AppendFiles {
    #fds = new Map<string, number>();
    #busy = new Set<string>();

    constructor(readonly max = 64) {}

    async append(file: string, data: string): Promise<void> {
        this.#busy.add(file);
        try {
            let fd = this.#fds.get(file);
            if (fd === undefined) fd = await call<number>((cb) => fsCb.open(file, 'a', cb));
            this.#fds.delete(file);
            this.#fds.set(file, fd);
            this.#evict();
            const bytes = Buffer.from(data);
            for (let offset = 0; offset < bytes.length; ) offset += await call<number>((cb) => fsCb.write(fd, bytes, offset, bytes.length - offset, null, cb));
            await call((cb) => fsCb.fdatasync(fd, cb));
        } finally {
            this.#busy.delete(file);
        }
    }

    /** Before the file is replaced or deleted: an open descriptor would go on writing to the old file. */
    close(file: string): void {
        const fd = this.#fds.get(file);
        if (fd === undefined) return;
        this.#fds.delete(file);
        fsCb.close(fd, () => undefined);
    }

    closeAll(): void {
        for (const file of [...this.#fds.keys()]) this.close(file);
    }

    #evict(): void {
        for (const file of this.#fds.keys()) {
            if (this.#fds.size <= this.max) return;
            if (!this.#busy.has(file)) this.close(file);
        }
    }
}

function call<T = void>(start: (cb: (err: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => start((err, value) => (err ? reject(err) : resolve(value as T))));
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
