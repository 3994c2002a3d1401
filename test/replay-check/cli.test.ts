import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../tools/replay-check/cli';
import { writeHistoryFolder } from '../../tools/replay-check/instances';
import { SqliteStore } from '../../tools/local-host/store/sqliteStore';
import { asRecord, V1, V2, V2_VERSIONED, waitingApprovals } from './approvals';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
    return { code, out, err };
}

const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'replay-check-'));

describe('npm run replay-check', () => {
    it('--help prints the usage and exits 0; an unknown option exits 2 with the usage', async () => {
        const help = await run(['--help']);
        expect(help.code).toBe(0);
        expect(help.out).toContain('usage: npm run replay-check --');
        const bad = await run(['--histories', 'x', '--frobnicate']);
        expect(bad.code).toBe(2);
        expect(bad.err).toContain('replay-check: unknown option --frobnicate.');
        expect(bad.err).toContain('usage: npm run replay-check --');
    });

    it('asks for a source when none is given', async () => {
        const { code, err } = await run([]);
        expect(code).toBe(2);
        expect(err).toContain('Name at least one source: --histories <dir>, --data <dir>, --stack <stack>');
    });

    it('recorded histories: exits 1 naming each instance that would break and what to do; 0 once a version branch protects them', async () => {
        const dir = tmp();
        writeHistoryFolder(dir, await waitingApprovals(V1, ['Q3 report', 'Q4 plan']));
        expect(readdirSync(dir).sort()).toEqual(['approval-none-1.history.json', 'approval-none-2.history.json']);

        const broken = await run(['--histories', dir, '--app', V2]);
        expect(broken.code).toBe(1);
        expect(broken.out).toContain(
            "WOULD BREAK  approval approval-none-1 (Running): history schedules activity 'draft' as step 1; the new code schedules activity 'validate'",
        );
        expect(broken.out).toContain('WOULD BREAK  approval approval-none-2 (Running)');
        expect(broken.out).toContain('2 instance(s): 0 compatible, 2 would break, 0 protected by versioning.');
        expect(broken.out).toContain('branch on context.df.version');

        const fixed = await run(['--histories', dir, '--app', V2_VERSIONED]);
        expect(fixed.code).toBe(0);
        expect(fixed.out).toContain('2 instance(s): 2 compatible, 0 would break, 0 protected by versioning.');
    });

    it('--json prints one report per instance; --instance picks instances', async () => {
        const dir = tmp();
        writeHistoryFolder(dir, await waitingApprovals(V1, ['Q3 report', 'Q4 plan']));
        const { code, out } = await run(['--histories', dir, '--app', V2, '--json', '--instance', 'approval-none-2']);
        expect(code).toBe(1);
        expect(JSON.parse(out)).toEqual({
            ok: false,
            instances: [
                expect.objectContaining({
                    instanceId: 'approval-none-2',
                    name: 'approval',
                    verdict: 'breaks',
                    step: 1,
                }),
            ],
        });
    });

    it('a history file that is not one fails with exit 2, naming the file', async () => {
        const dir = tmp();
        writeFileSync(path.join(dir, 'x.history.json'), '{"instanceId": 1}');
        const { code, err } = await run(['--histories', dir]);
        expect(code).toBe(2);
        expect(err).toContain(`${path.join(dir, 'x.history.json')} is not a recorded history`);
    });

    it('the local data directory: reads the unfinished instances through the Store, and --save records them', async () => {
        const data = tmp();
        const store = new SqliteStore(data);
        for (const instance of await waitingApprovals(V1, ['Q3 report']))
            await store.step((ops) => ops.createInstance(asRecord(instance)));
        await store.close();
        const saved = tmp();
        const { code, out, err } = await run(['--data', data, '--app', V2, '--save', saved]);
        expect(code).toBe(1);
        expect(out).toContain(
            "WOULD BREAK  approval approval-none-1 (Running): history schedules activity 'draft' as step 1",
        );
        expect(err).toContain('approval-none-1.history.json');
        expect((await run(['--histories', saved, '--app', V2])).code).toBe(1);
    });

    it('a data directory a local host is using is refused: stop the host first', async () => {
        const data = tmp();
        writeFileSync(path.join(data, 'host.lock'), JSON.stringify({ pid: process.ppid }));
        const { code, err } = await run(['--data', data]);
        expect(code).toBe(2);
        expect(err).toContain(
            `Another local host (pid ${process.ppid}) is using the data directory ${data}. Stop it (Ctrl-C) and run the check again`,
        );
    });
});
