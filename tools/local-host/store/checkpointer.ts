import { Worker } from 'node:worker_threads';
import { CHECKPOINT_MS } from './schema';

/** A checkpoint thread idle this long closes its connection and ends (a new one starts when needed). */
const IDLE_MS = 5000;

/**
 * The thread's code: its own connection to the database, a PASSIVE checkpoint when asked (it copies what the WAL holds
 * into the database file and fsyncs, without waiting for or blocking the host's writes: sqlite.org/wal.html
 * "Checkpointing", sqlite.org/c3ref/wal_checkpoint_v2.html), answered `{ done }` or `{ error }`; `close`, or IDLE_MS
 * without a request, closes the connection and ends the thread. node:sqlite's ExperimentalWarning is the main thread's
 * to filter (store/sqlite.ts); this thread drops it too.
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
let idle;
const end = () => {
    clearTimeout(idle);
    db?.close();
    parentPort.close();
};
const rest = () => {
    clearTimeout(idle);
    idle = setTimeout(end, ${IDLE_MS});
};
try {
    db = new DatabaseSync(workerData.file);
    db.exec('PRAGMA busy_timeout = 5000');
} catch (err) {
    parentPort.postMessage({ error: err.message });
}
parentPort.on('message', (message) => {
    if (message === 'close') return end();
    try {
        db?.exec('PRAGMA wal_checkpoint(PASSIVE)');
        parentPort.postMessage({ done: true });
    } catch (err) {
        parentPort.postMessage({ error: err.message });
    }
    rest();
});
rest();
`;

/**
 * Checkpoints the store's WAL at most CHECKPOINT_MS after a commit, on a second connection in a worker thread: a
 * checkpoint writes and fsyncs up to the whole WAL (20 to 40 ms here), which on the engine's connection would stop
 * the host for that long once a second under load. The thread ends when idle, so an idle host (or a test that never
 * closes its store) holds none.
 */
export class Checkpointer {
    #worker?: Worker;
    #exited: Promise<void> = Promise.resolve();
    #timer?: NodeJS.Timeout;
    /** A checkpoint was asked for and not yet answered (asked again if its thread ended first). */
    #requested = false;
    #closed = false;

    constructor(
        private readonly file: string,
        private readonly warn: (message: string) => void,
    ) {}

    /** Something was committed: a checkpoint follows within CHECKPOINT_MS (a thread starts when none runs). */
    committed(): void {
        if (this.#timer || this.#closed) return;
        this.#timer = setTimeout(() => {
            this.#timer = undefined;
            if (!this.#closed) this.#request();
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

    #request(): void {
        this.#requested = true;
        this.#thread().postMessage('checkpoint');
    }

    #thread(): Worker {
        if (this.#worker) return this.#worker;
        const worker = new Worker(SOURCE, { eval: true, workerData: { file: this.file } });
        worker.on('message', ({ error }: { done?: true; error?: string }) => {
            this.#requested = false;
            if (error)
                this.warn(
                    `could not checkpoint durable.db: ${error} (the commits stay in the WAL file; the next checkpoint tries again)`,
                );
        });
        worker.on('error', (err) => this.warn(`the checkpoint thread of durable.db failed: ${err.message}`));
        // After the listeners: adding a 'message' listener refs the worker again, and the process would wait for it.
        worker.unref();
        this.#exited = new Promise((resolve) =>
            worker.once('exit', () => {
                this.#worker = undefined;
                // It ended (idle) while a request was on its way: a new thread takes the request.
                if (this.#requested && !this.#closed) this.#request();
                resolve();
            }),
        );
        return (this.#worker = worker);
    }
}
