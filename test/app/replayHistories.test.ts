import { existsSync } from 'node:fs';
import { loadTarget } from '../../tools/replay-check/cli';
import { readHistoryFolder } from '../../tools/replay-check/instances';
import { replayAll } from '../../tools/replay-check/replay';

/**
 * The recorded histories of test/app/histories/ (`npm run replay-check -- --data <dir> --save test/app/histories`)
 * replay on the app as it is now, as Temporal's replay tests do: a change to an orchestrator that would break an
 * instance recorded there fails `npm test`, with the step that differs.
 */
const FOLDER = 'test/app/histories';

// A folder without histories is a valid state (a new app with nothing in flight yet): then there is nothing to replay.
it('every recorded history replays on the current app', async () => {
    if (!existsSync(FOLDER))
        throw new Error(
            `${FOLDER} is missing: restore it with its README.md (git keeps no empty folder), or record your in-flight histories there with \`npm run replay-check -- --data .durable-local --save ${FOLDER}\`.`,
        );
    const recorded = readHistoryFolder(FOLDER);
    const reports = await replayAll(await loadTarget('app'), recorded);
    expect(reports).toHaveLength(recorded.length);
    expect(
        reports
            .filter((r) => r.verdict === 'breaks')
            .map((r) => `${r.instanceId} (${r.source}): ${r.verdict === 'breaks' ? r.reason : ''}`),
    ).toEqual([]);
    expect(reports.every((r) => r.verdict === 'compatible')).toBe(true);
});
