/**
 * The wall clock the app's own code reads (`Date` inside the app bundle; packages keep the real one).
 * It reads the real time, except while an orchestrator episode runs: then it reads as if each episode
 * ran a day after the one before, as replays in Azure happen later than the first run. An orchestrator
 * that computes its work from `new Date()` or `Date.now()` therefore replays differently every time and
 * the test fails, instead of passing whenever two episodes share a millisecond.
 */
export class AppClock {
    static readonly EPISODE_SKEW_MS = 86_400_000;
    #offsetMs = 0;
    #episodes = 0;

    /** Wraps the app realm's `Date` (the bundle's banner passes its own, so instances stay that realm's Dates). */
    dateFor(RealDate: DateConstructor): DateConstructor {
        const now = (): number => RealDate.now() + this.#offsetMs;
        return new Proxy(RealDate, {
            construct: (target, args) => (args.length === 0 ? new target(now()) : Reflect.construct(target, args)),
            apply: () => new RealDate(now()).toString(),
            get: (target, property) => (property === 'now' ? now : Reflect.get(target, property)),
        });
    }

    /** Runs one orchestrator episode with the clock moved on by one more day. */
    async duringEpisode<T>(run: () => Promise<T>): Promise<T> {
        this.#offsetMs = ++this.#episodes * AppClock.EPISODE_SKEW_MS;
        try {
            return await run();
        } finally {
            this.#offsetMs = 0;
        }
    }
}
