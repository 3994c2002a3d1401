/**
 * A Chrome DevTools Protocol client over Node 22's built-in WebSocket: what an editor's debugger
 * speaks to `node --inspect`.
 */
type Params = Record<string, unknown>;
interface Message {
    id?: number;
    method?: string;
    params?: Params;
    result?: Params;
    error?: { message: string };
}

export class Cdp {
    #nextId = 1;
    #pending = new Map<number, { resolve: (r: Params) => void; reject: (e: Error) => void }>();
    #listeners = new Set<(method: string, params: Params) => void>();

    private constructor(private readonly socket: WebSocket) {
        socket.addEventListener('message', (event) => {
            const message = JSON.parse(String(event.data)) as Message;
            if (message.id !== undefined) {
                const pending = this.#pending.get(message.id);
                this.#pending.delete(message.id);
                if (message.error) pending?.reject(new Error(message.error.message));
                else pending?.resolve(message.result ?? {});
            } else if (message.method) {
                for (const listener of this.#listeners) listener(message.method, message.params ?? {});
            }
        });
    }

    static connect(url: string): Promise<Cdp> {
        return new Promise((resolve, reject) => {
            const socket = new WebSocket(url);
            socket.addEventListener('open', () => resolve(new Cdp(socket)), { once: true });
            socket.addEventListener('error', () => reject(new Error(`Cannot connect to the inspector at ${url}`)), {
                once: true,
            });
        });
    }

    send<T = Params>(method: string, params: Params = {}): Promise<T> {
        const id = this.#nextId++;
        this.socket.send(JSON.stringify({ id, method, params }));
        return new Promise<Params>((resolve, reject) => this.#pending.set(id, { resolve, reject })) as Promise<T>;
    }

    /** Calls `listener` for every event; answers a function that stops listening. */
    on(listener: (method: string, params: Params) => void): () => void {
        this.#listeners.add(listener);
        return () => this.#listeners.delete(listener);
    }

    /** The next event named `method` whose params satisfy `match`. */
    waitFor(method: string, timeoutMs: number, match: (params: Params) => boolean = () => true): Promise<Params> {
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                stop();
                reject(new Error(`No ${method} event within ${timeoutMs} ms`));
            }, timeoutMs);
            const stop = this.on((name, params) => {
                if (name === method && match(params)) {
                    clearTimeout(timer);
                    stop();
                    resolve(params);
                }
            });
        });
    }

    close(): void {
        this.socket.close();
    }
}
