/** Formatting shared by the list and the instance page. */
import type { InstanceStatus } from './types';

export function formatTime(iso: string | undefined): string {
    if (!iso) return '';
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    const today = new Date().toDateString() === date.toDateString();
    const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
    return today ? time : `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

export function formatDuration(ms: number | undefined): string {
    if (ms === undefined || !Number.isFinite(ms)) return '';
    if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
    if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
    const minutes = Math.floor(ms / 60_000);
    if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
    return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** JSON for display: strings that hold JSON (as the API returns some results) are shown parsed. */
export function formatJson(value: unknown): string {
    if (value === undefined) return '';
    if (typeof value === 'string') {
        try {
            return JSON.stringify(JSON.parse(value), null, 2);
        } catch {
            return value;
        }
    }
    return JSON.stringify(value, null, 2) ?? String(value);
}

/** A one-line preview of a value, cut to `max` characters. */
export function preview(value: unknown, max = 80): string {
    if (value === undefined || value === null) return '';
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export interface Fact {
    label: string;
    value: string;
    mono?: boolean;
}

/**
 * The instance page's summary. The version is shown only when the status answer has one (the extension
 * omits `version` for an instance started without one, and older extensions never send it).
 */
export function instanceFacts(
    status: Pick<InstanceStatus, 'instanceId' | 'version' | 'createdTime' | 'lastUpdatedTime'>,
): Fact[] {
    return [
        { label: 'Instance id', value: status.instanceId, mono: true },
        ...(status.version ? [{ label: 'Version', value: status.version, mono: true }] : []),
        { label: 'Created', value: formatTime(status.createdTime) },
        { label: 'Last updated', value: formatTime(status.lastUpdatedTime) },
    ];
}
