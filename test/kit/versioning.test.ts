import { compareVersions, versioningSettings } from '../../tools/local-host/engine/versioning';
import { loadTestApp, type TestApp } from '../../tools/testing';

const V2 = 'test/replay-check/apps/approval-v2-versioned';

describe('compareVersions, as DurableTask.Core compares (VersioningSettings.CompareVersions)', () => {
    it.each([
        ['', '', 0],
        [undefined, '1.0', -1],
        ['1.0', '', 1],
        ['1.0', '2.0', -1],
        ['1.10', '1.9', 1], // System.Version: numbers, not text
        ['1.0', '1.0.0', -1], // a missing part is -1
        ['2', '10', 1], // one part is not a System.Version: case-insensitive text
        ['v1.0-Release', 'V1.0-release', 0],
    ])('%p against %p is %p', (a, b, expected) => {
        expect(compareVersions(a, b)).toBe(expected);
    });
});

describe('host.json versioning settings', () => {
    it('defaults to CurrentOrOlder and Reject once any key is set, and to no check when none is', () => {
        expect(versioningSettings({ defaultVersion: '2.0' })).toEqual({
            version: '2.0',
            matchStrategy: 'CurrentOrOlder',
            failureStrategy: 'Reject',
        });
        expect(versioningSettings({ versionMatchStrategy: 'strict', versionFailureStrategy: 'FAIL' })).toEqual({
            version: '',
            matchStrategy: 'Strict',
            failureStrategy: 'Fail',
        });
        expect(versioningSettings({ hubName: 'x' })).toBeUndefined();
    });

    it('rejects a misspelt strategy, naming the key and the values it takes', () => {
        expect(() => versioningSettings({ versionMatchStrategy: 'Newest' })).toThrow(
            'host.json extensions.durableTask.versionMatchStrategy is "Newest": use one of None, Strict, CurrentOrOlder (default CurrentOrOlder).',
        );
    });
});

describe('versions in the kit', () => {
    let app: TestApp;
    afterEach(() => app?.close());

    it('gives new instances host.json defaultVersion, which context.df.version reads', async () => {
        app = await loadTestApp(V2);
        const run = await app.runOrchestration('approval', {
            input: ' Q3 report ',
            events: [{ name: 'Approval', data: 'Ana' }],
        });
        expect(run.version).toBe('2.0');
        expect(run.activityCalls.map((c) => c.name)).toEqual(['validate', 'draft', 'publish']);
        expect(run.output).toBe('draft of Q3 report, approved by Ana');
    });

    it('starts an instance with the version given, as startNew(name, { version }) does', async () => {
        app = await loadTestApp(V2);
        const run = await app.runOrchestration('approval', {
            input: 'Q3',
            version: '1.0',
            events: [{ name: 'Approval', data: 'Ana' }],
        });
        expect(run.version).toBe('1.0');
        expect(run.activityCalls.map((c) => c.name)).toEqual(['draft', 'publish']);
    });

    it('sub-orchestrations get defaultVersion unless the call gives one', async () => {
        app = await loadTestApp(V2);
        const run = await app.runOrchestration('versions', { version: '1.0' });
        expect(run.output).toEqual({ parent: '1.0', byDefault: '2.0', given: '1.5' });
    });

    it('CurrentOrOlder with Reject leaves a newer instance untouched: it never runs', async () => {
        app = await loadTestApp(V2);
        const run = await app.startOrchestration('approval', { input: 'Q3', version: '3.0' });
        expect(run.status()).toMatchObject({ runtimeStatus: 'Pending', version: '3.0', activityCalls: [] });
        await expect(run.waitForCompletion()).rejects.toThrow(
            /the version check rejects it \(versionFailureStrategy Reject\)/,
        );
    });

    it('Fail fails a newer instance with VersionMismatch', async () => {
        app = await loadTestApp(V2, { durableTask: { versionFailureStrategy: 'Fail' } });
        const run = await app.runOrchestration('approval', { input: 'Q3', version: '3.0' });
        expect(run.runtimeStatus).toBe('Failed');
        expect(run.history.find((e) => e.EventType === 'ExecutionCompleted')?.FailureDetails).toMatchObject({
            ErrorType: 'VersionMismatch',
            ErrorMessage: 'Orchestration version did not comply with Worker Versioning',
            IsNonRetriable: true,
        });
    });

    it('Strict runs only its own version: an older one is rejected too', async () => {
        app = await loadTestApp(V2, {
            durableTask: { versionMatchStrategy: 'Strict', versionFailureStrategy: 'Fail' },
        });
        expect((await app.runOrchestration('approval', { input: 'Q3', version: '1.0' })).runtimeStatus).toBe('Failed');
        const own = await app.runOrchestration('approval', {
            input: 'Q3',
            events: [{ name: 'Approval', data: 'Ana' }],
        });
        expect(own.runtimeStatus).toBe('Completed');
    });
});
