import { Worker } from 'node:worker_threads';
import { CHECKPOINT_MS } from './schema';

/**
 * The thread's code: its own connection to the database, a PASSIVE checkpoint when asked (it copies what the WAL holds
 * into the database file and fsyncs, without waiting for or blocking the host's writes: sqlite.org/wal.html
 * "Checkpointing", sqlite.org/c3ref/wal_checkpoint_v2.html), `close` to close the connection and end. node:sqlite's
 * ExperimentalWarning is the main thread's to filter (store/sqlite.ts); this thread drops it too.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
    if (/^SQLite is an experimental feature/.test(String(warning?.message ?? warning))) return;
    emitWarning(warning, ...rest);
};
const { DatabaseSync } = require('node:sqlite');
let db;
try {
    db = new DatabaseSync(workerData.file);
    db.exec('PRAGMA busy_timeout = 5000');
} catch (err) {
    parentPort.postMessage({ error: err.message });
}
parentPort.on('message', (message) => {
    if (message === 'close') {
        db?.close();
        return parentPort.close();
    }
    try {
        db?.exec('PRAGMA wal_checkpoint(PASSIVE)');
    } catch (err) {
        parentPort.postMessage({ error: err.message });
    }
});
`;

/**
 * Checkpoints the store's WAL at most CHECKPOINT_MS after a commit, on a second connection in a worker thread: a
 * checkpoint writes and fsyncs up to the whole WAL (20 to 40 ms here), which on the engine's connection would stop
 * the host for that long once a second under load.
 */
export class Checkpointer {
    #worker?: Worker;
    #exited: Promise<void> = Promise.resolve();
    #timer?: NodeJS.Timeout;
    #closed = false;

    constructor(
        private readonly file: string,
        private readonly warn: (message: string) => void,
    ) {}

    /** Something was committed: a checkpoint follows within CHECKPOINT_MS (the thread starts with the first). */
    committed(): void {
        if (this.#timer || this.#closed) return;
        this.#timer = setTimeout(() => {
            this.#timer = undefined;
            if (!this.#closed) this.#thread().postMessage('checkpoint');
        }, CHECKPOINT_MS);
        this.#timer.unref();
    }

    /** Closes the thread's connection (before the host's own, whose close checkpoints what is left). */
    async close(): Promise<void> {
        this.#closed = true;
        clearTimeout(this.#timer);
        this.#worker?.postMessage('close');
        return this.#exited;
    }

    #thread(): Worker {
        if (this.#worker) return this.#worker;
        const worker = new Worker(SOURCE, { eval: true, workerData: { file: this.file } });
        worker.unref();
        worker.on('message', ({ error }: { error: string }) =>
            this.warn(
                `could not checkpoint durable.db: ${error} (the commits stay in the WAL file; the next checkpoint tries again)`,
            ),
        );
        worker.on('error', (err) => this.warn(`the checkpoint thread of durable.db failed: ${err.message}`));
        this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()));
        return (this.#worker = worker);
    }
}
