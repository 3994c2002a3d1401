import { readdirSync } from 'node:fs';
import { loadTarget } from '../../tools/replay-check/cli';
import { readHistoryFolder } from '../../tools/replay-check/instances';
import { replayAll } from '../../tools/replay-check/replay';

/**
 * The recorded histories of test/app/histories/ (`npm run replay-check -- --data <dir> --save test/app/histories`)
 * replay on the app as it is now, as Temporal's replay tests do: a change to an orchestrator that would break an
 * instance recorded there fails `npm test`, with the step that differs.
 */
const FOLDER = 'test/app/histories';

it('the folder holds recorded histories', () => {
    expect(readdirSync(FOLDER).filter((f) => f.endsWith('.history.json')).length).toBeGreaterThan(0);
});

it('every recorded history replays on the current app', async () => {
    const reports = await replayAll(await loadTarget('app'), readHistoryFolder(FOLDER));
    expect(reports.filter((r) => r.verdict === 'breaks').map((r) => `${r.instanceId} (${r.source}): ${r.verdict === 'breaks' ? r.reason : ''}`)).toEqual([]);
    expect(reports.every((r) => r.verdict === 'compatible')).toBe(true);
});
