/**
 * How long a check of N in-flight instances takes (docs/changing-a-running-workflow.md "How long a check takes"):
 * N waiting approvals of the docs' example (one recorded history, N instance ids), replayed against the
 * versioned v2 (every one compatible) and against v2 (every one breaks).
 * Run: node -e
 * "require(require('./tools/cli/compileTs').compileTs('tools/replay-check/measure.ts','replay-measure.js')).main(1000)"
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SqliteStore } from '../local-host/store/sqliteStore';
import { readLocalData } from './localData';
import { loadTestApp } from '../testing';
import { loadTarget } from './cli';
import type { RecordedInstance } from './instances';
import { replayAll } from './replay';

const APPS = 'test/replay-check/apps';

export async function main(count = 1000): Promise<void> {
    const app = await loadTestApp(`${APPS}/approval-v1`);
    const run = await app.startOrchestration('approval', { input: 'Q3 report' });
    const recorded = run.recordedHistory();
    await app.close();
    const instances: RecordedInstance[] = Array.from({ length: count }, (_, i) => ({
        ...structuredClone(recorded),
        instanceId: `approval-${i}`,
        source: 'measure',
    }));
    const data = mkdtempSync(path.join(tmpdir(), 'replay-measure-'));
    const store = new SqliteStore(data);
    const started = recorded.history[0];
    for (const i of instances) {
        const record = {
            ...i,
            executionId: 'e',
            input: started.Input as string,
            createdTime: started.Timestamp,
            lastUpdatedTime: started.Timestamp,
            inbox: [],
        };
        await store.step((ops) => ops.createInstance(record));
    }
    await store.close();
    const readStart = performance.now();
    const read = await readLocalData(data);
    process.stdout.write(
        `${read.length} instances read from a local data directory: ${(performance.now() - readStart).toFixed(0)} ms\n`,
    );
    for (const version of ['approval-v2-versioned', 'approval-v2']) {
        const loadStart = performance.now();
        const target = await loadTarget(`${APPS}/${version}`);
        const replayStart = performance.now();
        const reports = await replayAll(target, instances);
        const end = performance.now();
        const verdicts = [...new Set(reports.map((r) => r.verdict))].join(', ');
        process.stdout.write(
            `${count} instances against ${version}: build+load ${(replayStart - loadStart).toFixed(0)} ms, replay ${(end - replayStart).toFixed(0)} ms (${((end - replayStart) / count).toFixed(2)} ms each); verdicts: ${verdicts}\n`,
        );
    }
}
