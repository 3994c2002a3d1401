/**
 * Timer trigger schedules as the Functions host reads them: six-field NCRONTAB
 * `{second} {minute} {hour} {day} {month} {day-of-week}` (five fields: seconds default to 0), or a
 * TimeSpan `hh:mm:ss` interval. Times are UTC (the host's default without WEBSITE_TIME_ZONE).
 * As in NCrontab, a restricted day-of-month and day-of-week must both match.
 */
export interface Schedule {
    /** The first occurrence strictly after `after`. */
    next(after: Date): Date;
    readonly description: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
    name: string;
    min: number;
    max: number;
    names?: string[];
    namesStart?: number;
}

const FIELDS: FieldSpec[] = [
    { name: 'second', min: 0, max: 59 },
    { name: 'minute', min: 0, max: 59 },
    { name: 'hour', min: 0, max: 23 },
    { name: 'day', min: 1, max: 31 },
    { name: 'month', min: 1, max: 12, names: MONTHS, namesStart: 1 },
    { name: 'day-of-week', min: 0, max: 6, names: DAYS, namesStart: 0 },
];

function parseValue(text: string, spec: FieldSpec, expression: string): number {
    const named = spec.names?.indexOf(text.toLowerCase()) ?? -1;
    const value = named >= 0 ? named + (spec.namesStart ?? 0) : /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(value >= spec.min && value <= spec.max)) {
        throw new Error(
            `Invalid ${spec.name} "${text}" in schedule "${expression}" (allowed ${spec.min}-${spec.max}).`,
        );
    }
    return value;
}

function parseField(text: string, spec: FieldSpec, expression: string): Set<number> {
    const values = new Set<number>();
    for (const part of text.split(',')) {
        const [range, stepText] = part.split('/');
        const step = stepText === undefined ? 1 : Number(stepText);
        if (!Number.isInteger(step) || step < 1)
            throw new Error(`Invalid step "${stepText}" in schedule "${expression}".`);
        let from: number;
        let to: number;
        if (range === '*') {
            [from, to] = [spec.min, spec.max];
        } else if (range.includes('-')) {
            const [a, b] = range.split('-');
            [from, to] = [parseValue(a, spec, expression), parseValue(b, spec, expression)];
        } else {
            from = parseValue(range, spec, expression);
            to = stepText === undefined ? from : spec.max;
        }
        for (let v = from; v <= to; v += step) values.add(v);
    }
    return values;
}

class CronSchedule implements Schedule {
    readonly #fields: Set<number>[];
    readonly #dayRestricted: boolean;
    readonly #weekdayRestricted: boolean;
    constructor(
        readonly description: string,
        parts: string[],
    ) {
        this.#fields = parts.map((part, i) => parseField(part, FIELDS[i], description));
        this.#dayRestricted = parts[3] !== '*';
        this.#weekdayRestricted = parts[5] !== '*';
    }
    #dayMatches(d: Date): boolean {
        const [, , , days, , weekdays] = this.#fields;
        return (
            (!this.#dayRestricted || days.has(d.getUTCDate())) &&
            (!this.#weekdayRestricted || weekdays.has(d.getUTCDay()))
        );
    }
    next(after: Date): Date {
        const [seconds, minutes, hours, , months] = this.#fields;
        const t = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
        const limit = after.getTime() + 8 * 366 * 24 * 3600 * 1000;
        while (t.getTime() < limit) {
            if (!months.has(t.getUTCMonth() + 1)) {
                t.setUTCMonth(t.getUTCMonth() + 1, 1);
                t.setUTCHours(0, 0, 0);
            } else if (!this.#dayMatches(t)) {
                t.setUTCDate(t.getUTCDate() + 1);
                t.setUTCHours(0, 0, 0);
            } else if (!hours.has(t.getUTCHours())) {
                t.setUTCHours(t.getUTCHours() + 1, 0, 0);
            } else if (!minutes.has(t.getUTCMinutes())) {
                t.setUTCMinutes(t.getUTCMinutes() + 1, 0);
            } else if (!seconds.has(t.getUTCSeconds())) {
                t.setUTCSeconds(t.getUTCSeconds() + 1);
            } else {
                return t;
            }
        }
        throw new Error(`Schedule "${this.description}" never occurs.`);
    }
}

class IntervalSchedule implements Schedule {
    constructor(
        readonly description: string,
        private readonly ms: number,
    ) {}
    next(after: Date): Date {
        return new Date(after.getTime() + this.ms);
    }
}

/** Parses a schedule; `%Name%` is read from the environment (app settings), as the host does. */
export function parseSchedule(schedule: string, env: NodeJS.ProcessEnv = process.env): Schedule {
    let expression = schedule.trim();
    const setting = /^%(.+)%$/.exec(expression);
    if (setting) {
        const value = env[setting[1]];
        if (!value) throw new Error(`Schedule "${schedule}" names the app setting ${setting[1]}, which is not set.`);
        expression = value.trim();
    }
    const span = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(expression);
    if (span) {
        const [, days, h, m, s] = span.map(Number);
        const ms = (((days || 0) * 24 + h) * 3600 + m * 60 + s) * 1000;
        if (ms <= 0) throw new Error(`Schedule "${expression}" is an empty interval.`);
        return new IntervalSchedule(expression, ms);
    }
    const parts = expression.split(/\s+/);
    if (parts.length === 5) parts.unshift('0');
    if (parts.length !== 6) {
        throw new Error(
            `Schedule "${expression}" is not an NCRONTAB expression "{second} {minute} {hour} {day} {month} {day-of-week}" nor a "hh:mm:ss" interval.`,
        );
    }
    return new CronSchedule(expression, parts);
}
