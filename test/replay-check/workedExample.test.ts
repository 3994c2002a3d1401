import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { httpJson, pollStatus, REPO_ROOT, startLocalHost, type OrchestrationStatus } from '../support/localHost';
import { V1, V2, V2_VERSIONED } from './approvals';

/** docs/changing-a-running-workflow.md, "A worked example", step by step on the real local host. */
const data = mkdtempSync(path.join(tmpdir(), 'worked-example-'));
const API = '/runtime/webhooks/durabletask';

const replayCheck = (app: string) =>
    spawnSync(process.execPath, ['tools/replay-check/run.js', '--data', data, '--app', app], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
    });
const drafted = (s: OrchestrationStatus): boolean =>
    (s.historyEvents ?? []).some((e) => e.EventType === 'TaskCompleted' && e.FunctionName === 'draft');
const ids: string[] = [];

it('1. v1 runs: two approvals wait for their Approval event', async () => {
    const host = await startLocalHost({ app: V1, data });
    try {
        for (const title of ['Q3 report', 'Q4 plan']) {
            const started = await httpJson<{ id: string; statusQueryGetUri: string }>(
                'POST',
                `${host.url}${API}/orchestrators/approval`,
                JSON.stringify(title),
            );
            expect(started.status).toBe(202);
            ids.push(started.body.id);
            const status = await pollStatus(`${started.body.statusQueryGetUri}&showHistory=true`, { until: drafted });
            expect(status.runtimeStatus).toBe('Running');
        }
    } finally {
        await host.stop();
    }
});

it('2. v2 adds a step in front: the check exits 1, naming each instance and the step', () => {
    const run = replayCheck(V2);
    expect(run.status).toBe(1);
    for (const id of ids)
        expect(run.stdout).toContain(
            `WOULD BREAK  approval ${id} (Running): history schedules activity 'draft' as step 1; the new code schedules activity 'validate'`,
        );
});

it('3. a version branch and defaultVersion 2.0: the check exits 0', () => {
    const run = replayCheck(V2_VERSIONED);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('2 instance(s): 2 compatible, 0 would break, 0 protected by versioning.');
});

it('4. deployed, the old instances finish on the v1 steps and new ones take the v2 steps', async () => {
    const host = await startLocalHost({ app: V2_VERSIONED, data });
    try {
        expect(
            (await httpJson('POST', `${host.url}${API}/instances/${ids[0]}/raiseEvent/Approval`, JSON.stringify('Ana')))
                .status,
        ).toBe(202);
        const old = await pollStatus(`${host.url}${API}/instances/${ids[0]}?showHistory=true`);
        expect(old).toMatchObject({ runtimeStatus: 'Completed', output: 'draft of Q3 report, approved by Ana' });
        expect(
            (old.historyEvents ?? []).filter((e) => e.EventType === 'TaskCompleted').map((e) => e.FunctionName),
        ).toEqual(['draft', 'publish']);

        const started = await httpJson<{ id: string; statusQueryGetUri: string }>(
            'POST',
            `${host.url}${API}/orchestrators/approval`,
            JSON.stringify('  Q1 budget  '),
        );
        const fresh = await pollStatus(`${started.body.statusQueryGetUri}&showHistory=true`, { until: drafted });
        expect(
            (fresh.historyEvents ?? []).filter((e) => e.EventType === 'TaskCompleted').map((e) => e.FunctionName),
        ).toEqual(['validate', 'draft']);
    } finally {
        await host.stop();
    }
});
