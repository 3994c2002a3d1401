import { loadTarget } from '../../tools/replay-check/cli';
import { escapePartitionKey, unescapePartitionKey } from '../../tools/replay-check/azureStorage/format';
import { readTaskHub } from '../../tools/replay-check/azureStorage/reader';
import { replayAll } from '../../tools/replay-check/replay';
import { startAzurite, azuriteCredential, type Azurite } from './azurite';
import { TaskHubWriter } from './taskHubWriter';
import { V1, V2, V2_VERSIONED, waitingApprovals } from './approvals';

let azurite: Azurite;
beforeAll(async () => {
    azurite = await startAzurite();
});
afterAll(() => azurite?.stop());

describe('KeySanitation, as DurableTask.AzureStorage escapes partition keys', () => {
    it.each([
        ['plain', 'plain'],
        ['a/b\\c#d?e^f', 'a^0b^1c^2d^3e^^f'],
        ['tab\there', 'tab^Éhere'],
    ])('%p ⇄ %p', (id, key) => {
        expect(escapePartitionKey(id)).toBe(key);
        expect(unescapePartitionKey(key)).toBe(id);
    });
});

describe('reading a task hub in Azure Storage (Azurite, Entra bearer tokens over HTTPS)', () => {
    it('reads every unfinished instance with its current execution, large messages from their gzip blobs', async () => {
        const hub = 'ReplayHub1';
        const writer = new TaskHubWriter(azurite, hub);
        await writer.create();
        const longTitle = `Annual report ${'x'.repeat(40_000)}`; // 80 KB in UTF-16: over the 60 KB column limit
        const [small, large] = await waitingApprovals(V1, ['Q3 report', longTitle]);
        const [older] = await waitingApprovals(V1, ['an earlier execution']);
        // After continue-as-new the new execution's rows replace the old ones from RowKey 0; a longer old one leaves
        // rows behind.
        const longerOlder = [...older.history, ...older.history.slice(1)];
        await writer.write({ ...small, instanceId: 'order#7/a' }, 'exec-1', { olderExecution: longerOlder });
        expect(
            (
                await writer.history.getEntity(
                    escapePartitionKey('order#7/a'),
                    (longerOlder.length - 1).toString(16).toUpperCase().padStart(16, '0'),
                )
            ).ExecutionId,
        ).toBe('old-execution');
        await writer.write(large, 'exec-2');
        await writer.write({ ...small, instanceId: 'finished', runtimeStatus: 'Completed' }, 'exec-3');

        const read = await readTaskHub({
            tableEndpoint: azurite.tableEndpoint,
            blobEndpoint: azurite.blobEndpoint,
            taskHub: hub,
            credential: azuriteCredential,
        });
        expect(read.map((i) => i.instanceId)).toEqual(['approval-none-2', 'order#7/a']);
        expect(read[1].history).toEqual(small.history);
        expect(read[0].history).toEqual(large.history);
        expect(JSON.parse(read[0].history[1].Input as string)).toBe(longTitle);
        const blobNames: string[] = [];
        for await (const blob of writer.blobs.listBlobsFlat()) blobNames.push(blob.name);
        // The title travels in the orchestration's input, the draft activity's input and its result: three blobs.
        expect(blobNames.map((n) => n.replace(/-[0-9A-F]{8}-/, '-<random>-'))).toEqual([
            'approval-none-2/history-0000000000000001-ExecutionStarted-<random>-Input.json.gz',
            'approval-none-2/history-0000000000000002-TaskScheduled-<random>-Input.json.gz',
            'approval-none-2/history-0000000000000005-TaskCompleted-<random>-Result.json.gz',
        ]);
    });

    it('replays what it read: the v1 instances break on v2 and are compatible with the versioned v2', async () => {
        const hub = 'ReplayHub2';
        const writer = new TaskHubWriter(azurite, hub);
        await writer.create();
        for (const instance of await waitingApprovals(V1, ['Q3 report', 'Q4 plan']))
            await writer.write(instance, `exec-${instance.instanceId}`);
        const read = await readTaskHub({
            tableEndpoint: azurite.tableEndpoint,
            blobEndpoint: azurite.blobEndpoint,
            taskHub: hub,
            credential: azuriteCredential,
        });
        expect((await replayAll(await loadTarget(V2), read)).map((r) => r.verdict)).toEqual(['breaks', 'breaks']);
        expect((await replayAll(await loadTarget(V2_VERSIONED), read)).map((r) => r.verdict)).toEqual([
            'compatible',
            'compatible',
        ]);
    });

    it('a task hub that does not exist is a clear error', async () => {
        await expect(
            readTaskHub({
                tableEndpoint: azurite.tableEndpoint,
                blobEndpoint: azurite.blobEndpoint,
                taskHub: 'NoSuchHub',
                credential: azuriteCredential,
            }),
        ).rejects.toThrow("Task hub 'NoSuchHub' not found");
    });
});
