import { loadTarget } from '../../tools/replay-check/cli';
import { replayAll } from '../../tools/replay-check/replay';
import { V1, V2, V2_VERSIONED, waitingApprovals } from './approvals';

describe('replaying waiting instances against a new build', () => {
    it('v1 instances are compatible with v1 itself', async () => {
        const reports = await replayAll(await loadTarget(V1), await waitingApprovals(V1, ['Q3 report']));
        expect(reports).toEqual([
            expect.objectContaining({ instanceId: 'approval-none-1', verdict: 'compatible', notes: [] }),
        ]);
    });

    it('v2 adds a step in front: every waiting v1 instance would break, at the first step that differs', async () => {
        const reports = await replayAll(await loadTarget(V2), await waitingApprovals(V1, ['Q3 report', 'Q4 plan']));
        expect(reports.map((r) => [r.instanceId, r.verdict])).toEqual([
            ['approval-none-1', 'breaks'],
            ['approval-none-2', 'breaks'],
        ]);
        expect(reports[0]).toMatchObject({
            step: 1,
            reason: "history schedules activity 'draft' as step 1; the new code schedules activity 'validate'",
        });
    });

    it('with a version branch and defaultVersion 2.0 the v1 instances replay v1 steps: compatible', async () => {
        const reports = await replayAll(await loadTarget(V2_VERSIONED), await waitingApprovals(V1, ['Q3 report']));
        expect(reports).toEqual([expect.objectContaining({ verdict: 'compatible', notes: [] })]);
    });

    it('an instance newer than the build is protected: CurrentOrOlder with Reject leaves it for a newer worker', async () => {
        const [newer] = await waitingApprovals(V2_VERSIONED, ['Q3'], '3.0');
        const [report] = await replayAll(await loadTarget(V2_VERSIONED), [newer]);
        expect(report).toMatchObject({ verdict: 'protected', action: 'Reject', version: '3.0' });
        expect(report.verdict === 'protected' && report.reason).toContain(
            "its version '3.0' is newer than the worker's '2.0' (versionMatchStrategy CurrentOrOlder)",
        );
    });

    it('a removed orchestrator breaks its instances', async () => {
        const [waiting] = await waitingApprovals(V1, ['Q3']);
        const [report] = await replayAll(await loadTarget(V1), [{ ...waiting, name: 'approvalOld' }]);
        expect(report).toMatchObject({
            verdict: 'breaks',
            reason: "the new build has no orchestrator named 'approvalOld': its next episode fails",
        });
    });

    it('a step removed after the wait is fine, one removed before it is not', async () => {
        const [waiting] = await waitingApprovals(V2_VERSIONED, ['Q3']);
        // v1 has no 'validate': a 2.0 instance that already validated finds nothing at step 1 in v1's code path.
        const [report] = await replayAll(await loadTarget(V1), [waiting]);
        expect(report).toMatchObject({
            verdict: 'breaks',
            reason: "history schedules activity 'validate' as step 1; the new code schedules activity 'draft'",
        });
    });
});
