import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runHello } from './helloClient';
import { rssMiB, startHostProcess } from './hostProcess';

export interface RestartFigures {
    finishedInstances: number;
    /** Host RSS after the first tenth of the hellos, and after all of them. */
    rssAfterTenthMiB: number;
    rssAfterAllMiB: number;
    /** Host start → listening on an empty data dir, and with all the finished instances on disk. */
    emptyStartSeconds: number;
    restartWith10kInstancesSeconds: number;
    /** Bytes the data directory holds after the hellos (the app's build output left out). */
    diskBytes: number;
}

/** Bytes under `dir`, the host's copy of the app build (`build/`) left out. */
export function diskBytes(dir: string, top = true): number {
    let total = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) total += top && entry.name === 'build' ? 0 : diskBytes(full, false);
        else total += fs.statSync(full).size;
    }
    return total;
}

const CONCURRENCY = 100;
const POLL_MS = 20;

/**
 * Runs `count` hellos through the host (CONCURRENCY at a time), reads the host's RSS after a tenth of
 * them and after all, then stops it and times a start on that data dir (and one on an empty dir).
 */
export async function measureRestart(
    repoRoot: string,
    count: number,
    step: (what: string) => void,
): Promise<RestartFigures> {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-bench-10k-'));
    try {
        const empty = await startHostProcess(repoRoot);
        const emptyStartSeconds = empty.startSeconds;
        await empty.stop();
        const host = await startHostProcess(repoRoot, { data });
        let rssAfterTenthMiB = 0;
        let rssAfterAllMiB = 0;
        try {
            let started = 0;
            let finished = 0;
            const worker = async (): Promise<void> => {
                while (started < count) {
                    started++;
                    await runHello(host.baseUrl, POLL_MS, 120_000);
                    if (++finished === Math.floor(count / 10)) rssAfterTenthMiB = rssMiB(host.child.pid) ?? 0;
                }
            };
            step(`restart: ${count} hellos, ${CONCURRENCY} at a time`);
            await Promise.all(Array.from({ length: CONCURRENCY }, worker));
            rssAfterAllMiB = rssMiB(host.child.pid) ?? 0;
        } finally {
            await host.stop();
        }
        const disk = diskBytes(data);
        step(`restart: starting the host on ${count} finished instances`);
        const again = await startHostProcess(repoRoot, { data });
        const restartWith10kInstancesSeconds = again.startSeconds;
        await again.stop();
        return {
            finishedInstances: count,
            rssAfterTenthMiB,
            rssAfterAllMiB,
            emptyStartSeconds,
            restartWith10kInstancesSeconds,
            diskBytes: disk,
        };
    } finally {
        fs.rmSync(data, { recursive: true, force: true });
    }
}
