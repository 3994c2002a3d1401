import { FunctionTimeoutError, parseFunctionTimeout } from '../../tools/local-host/worker-channel/functionTimeout';
import { Redeliveries, RedeliveryWoken } from '../../tools/local-host/worker-channel/redelivery';
import { WorkerExitedError } from '../../tools/local-host/worker-channel/workerProcess';

/**
 * DurableTask.AzureStorage's redelivery of an abandoned message (TaskHubQueue.AbandonMessageAsync), one "second" = 1
 * ms.
 */
const crash = () => Promise.reject(new WorkerExitedError('the worker process (pid 1) exited (exit code 7)'));
const logs: string[] = [];
/** A piece of work: an activity's key is `<instance> task <n>`, an orchestrator's its instance id. */
const work = (key: string) => ({ key, instanceId: key.split(' task ')[0] });
const redeliveries = () => new Redeliveries((message) => logs.push(message), 1);

beforeEach(() => logs.splice(0));

it('waits 2^n "seconds" after the n-th delivery that ended its worker, at most 600, and calls it poison from the tenth on', async () => {
    const now = Date.parse('2026-12-02T00:00:00Z');
    const r = new Redeliveries(
        (message) => logs.push(message),
        1,
        () => now,
    );
    const waits: number[] = [];
    for (let delivery = 1; delivery <= 11; delivery++) {
        await expect(r.run(work('i1 task 0'), 'alwaysExits', crash)).rejects.toBeInstanceOf(WorkerExitedError);
        const [entry] = r.list();
        waits.push(Date.parse(entry.nextAttemptAt) - now);
        expect(entry).toMatchObject({
            key: 'i1 task 0',
            functionName: 'alwaysExits',
            deliveries: delivery,
            poison: delivery >= 10,
            lastError: 'the worker process (pid 1) exited (exit code 7)',
        });
    }
    expect(waits).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600]);
    expect(logs.filter((l) => l.includes('is now considered poison'))).toHaveLength(2);
    expect(logs[9]).toMatch(
        /^warning: 'alwaysExits' \(i1 task 0\) has been delivered 10 times and ended its worker each time: it is now considered poison/,
    );
});

it('forgets the work once a delivery succeeds, or fails on its own (a thrown error, a functionTimeout)', async () => {
    const r = redeliveries();
    await expect(r.run(work('a'), 'f', crash)).rejects.toThrow();
    await expect(r.run(work('b'), 'f', crash)).rejects.toThrow();
    expect(r.list().map((e) => e.key)).toEqual(['a', 'b']);
    await expect(r.run(work('a'), 'f', async () => 'done')).resolves.toBe('done');
    await expect(
        r.run(work('b'), 'f', () => Promise.reject(new FunctionTimeoutError(parseFunctionTimeout('00:00:01'), 'f'))),
    ).rejects.toBeInstanceOf(FunctionTimeoutError);
    expect(r.list()).toEqual([]);
});

it('runs work that is not Durable (no key) at once and never counts it', async () => {
    const r = redeliveries();
    await expect(r.run(undefined, 'http', crash)).rejects.toThrow();
    expect(r.list()).toEqual([]);
});

it('redelivers one piece of charged work at a time, so an innocent one is not crashed again by the poison one', async () => {
    const r = redeliveries();
    await Promise.all([
        r.run(work('poison'), 'f', crash).catch(() => undefined),
        r.run(work('innocent'), 'g', crash).catch(() => undefined),
    ]);
    let running = 0;
    let most = 0;
    const attempt = async () => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running--;
        return 'ok';
    };
    await Promise.all([
        r.run(work('poison'), 'f', attempt),
        r.run(work('innocent'), 'g', attempt),
        r.run(work('fresh'), 'h', attempt),
    ]);
    expect(most).toBe(2); // the two redelivered ones one after the other; the fresh one beside them
});

it("cuts an orchestration's wait short when it is terminated or purged (wake), without another delivery", async () => {
    const r = new Redeliveries(() => undefined, 1000); // a real second: 2 s to wait
    await expect(r.run(work('i2'), 'orch', crash)).rejects.toThrow();
    let delivered = false;
    const waiting = r.run(work('i2'), 'orch', async () => (delivered = true));
    r.wake('i2');
    await expect(waiting).rejects.toBeInstanceOf(RedeliveryWoken);
    expect(delivered).toBe(false);
    expect(r.list()).toEqual([]);
});

it('does not schedule again an orchestration terminated or purged while its delivery was running (its worker then exited)', async () => {
    const r = redeliveries();
    let exitWorker = (): void => undefined;
    const running = r.run(
        work('i3'),
        'orchestratorAlwaysExits',
        () =>
            new Promise(
                (_, reject) =>
                    (exitWorker = () =>
                        reject(new WorkerExitedError('the worker process (pid 2) exited (exit code 9)'))),
            ),
    );
    r.wake('i3');
    exitWorker();
    await expect(running).rejects.toBeInstanceOf(WorkerExitedError);
    expect(r.list()).toEqual([]);
    // Its next episode (the one that meets the terminate) runs at once.
    await expect(r.run(work('i3'), 'orchestratorAlwaysExits', () => Promise.resolve('terminated'))).resolves.toBe(
        'terminated',
    );
});
