import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The in-process host (the app ran inside the host process) that issue 25's latency goals compare against. */
export const BASELINE_COMMIT = '4e909cf';

/**
 * A git worktree of the repository at `commit` in `dir` (added when missing), sharing this checkout's
 * node_modules (the dependencies the host needs are the same at that commit), ready for
 * startHostProcess(dir, { app }).
 */
export function baselineCheckout(repoRoot: string, dir: string, commit = BASELINE_COMMIT): string {
    if (!fs.existsSync(path.join(dir, 'tools', 'local-host', 'cli.js'))) {
        execFileSync('git', ['-C', repoRoot, 'worktree', 'add', '--detach', dir, commit], { stdio: 'inherit' });
    }
    const head = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    if (!head.startsWith(commit))
        throw new Error(
            `${dir} is at ${head.slice(0, 9)}, not ${commit}: remove it (git worktree remove ${dir}) or pass another --baseline-dir.`,
        );
    const modules = path.join(dir, 'node_modules');
    if (!fs.existsSync(modules)) {
        // A link left by a checkout that is gone (another worktree made it) points nowhere: it is replaced.
        fs.rmSync(modules, { force: true });
        fs.symlinkSync(path.join(repoRoot, 'node_modules'), modules, 'dir');
    }
    return dir;
}
