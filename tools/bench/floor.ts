import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from '../local-host/app-loading/buildApp';
import { resolveEntries } from '../local-host/app-loading/resolveEntries';
import { Engine } from '../local-host/engine/engine';
import { isTerminal, MemoryStore } from '../local-host/store/store';
import { loadBundle } from '../local-host/worker-process/loadBundle';
import { pollInterval } from './helloClient';

export interface Floor {
    /** Runs one orchestration to its end; seconds from start to Completed, and its output. */
    run(name: string, input: unknown): Promise<{ seconds: number; output: unknown }>;
}

/**
 * The floor of a case: the same orchestration replayed through the same invocation path (the
 * engine, the app's programming model, durable-functions' replay, the same JSON history in) with no
 * HTTP, no store and no IPC: the app loaded in this process, the engine on a memory store.
 */
export async function createFloor(appDir: string, buildDir: string, pollMs: number): Promise<Floor> {
    const bundle = await buildApp(resolveEntries(appDir), path.join(buildDir, 'floor'));
    const functions = await loadBundle(bundle, appDir, () => undefined);
    const engine = new Engine(functions, new MemoryStore());
    return {
        async run(name, input) {
            const started = performance.now();
            const { instanceId } = await engine.start(name, JSON.stringify(input));
            for (;;) {
                const record = engine.get(instanceId)!;
                if (isTerminal(record)) {
                    if (record.runtimeStatus !== 'Completed')
                        throw new Error(`floor: ${name} ended ${record.runtimeStatus}: ${record.output}`);
                    const seconds = (performance.now() - started) / 1000;
                    await engine.purge([instanceId]);
                    return { seconds, output: JSON.parse(record.output ?? 'null') };
                }
                await sleep(pollInterval(pollMs, performance.now() - started));
            }
        },
    };
}
