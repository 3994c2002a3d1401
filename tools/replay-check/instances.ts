import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EventType, type HistoryEvent } from '../local-host/model/history';
import type { InstanceRecord, RuntimeStatus } from '../local-host/store/store';

/** One orchestration instance to check: its committed history, wherever it was read from. */
export interface RecordedInstance {
    instanceId: string;
    name: string;
    runtimeStatus: RuntimeStatus;
    /** History events as DurableTask.Core serializes them to the worker (PascalCase, EventType numbers). */
    history: HistoryEvent[];
    /** Where it came from (a file, the local data directory, a task hub), for the report. */
    source: string;
}

/** The instance's version: its ExecutionStarted event's (undefined when it has none). */
export function versionOf(history: HistoryEvent[]): string | undefined {
    const started = history.find((e) => e.EventType === EventType.ExecutionStarted);
    return (started?.Version as string | undefined | null) ?? undefined;
}

export function fromRecord(record: InstanceRecord, source: string): RecordedInstance {
    // A Pending instance's ExecutionStarted still waits in its inbox: keep it, so its version is known.
    const history =
        record.history.length > 0
            ? record.history
            : record.inbox.filter((e) => e.EventType === EventType.ExecutionStarted);
    return { instanceId: record.instanceId, name: record.name, runtimeStatus: record.runtimeStatus, history, source };
}

/** The file format of a recorded history (`npm run replay-check -- --save <dir>` writes it). */
interface HistoryFile {
    instanceId: string;
    name: string;
    runtimeStatus: RuntimeStatus;
    history: HistoryEvent[];
}

const FILE_SUFFIX = '.history.json';

/** A file name that is safe on every OS for any instance id. */
export const historyFileName = (instanceId: string): string =>
    `${instanceId.replace(/[^A-Za-z0-9._-]/g, '_')}${FILE_SUFFIX}`;

export function readHistoryFolder(dir: string): RecordedInstance[] {
    let names: string[];
    try {
        names = readdirSync(dir)
            .filter((n) => n.endsWith(FILE_SUFFIX))
            .sort();
    } catch (err) {
        throw new Error(
            `Cannot read the histories folder ${dir}: ${(err as Error).message}. Record one with --save ${dir}.`,
        );
    }
    return names.map((name) => {
        const file = path.join(dir, name);
        let parsed: Partial<HistoryFile>;
        try {
            parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<HistoryFile>;
        } catch (err) {
            throw new Error(`${file} is not valid JSON (${(err as Error).message}): record it again with --save.`);
        }
        if (
            typeof parsed.instanceId !== 'string' ||
            typeof parsed.name !== 'string' ||
            !Array.isArray(parsed.history)
        ) {
            throw new Error(
                `${file} is not a recorded history: it needs instanceId, name and history (record it again with --save).`,
            );
        }
        return {
            instanceId: parsed.instanceId,
            name: parsed.name,
            runtimeStatus: parsed.runtimeStatus ?? 'Running',
            history: parsed.history,
            source: file,
        };
    });
}

/** Writes each instance as <dir>/<instanceId>.history.json (temp file + rename: a reader never sees half a file). */
export function writeHistoryFolder(dir: string, instances: RecordedInstance[]): string[] {
    mkdirSync(dir, { recursive: true });
    return instances.map((instance) => {
        const file = path.join(dir, historyFileName(instance.instanceId));
        const body: HistoryFile = {
            instanceId: instance.instanceId,
            name: instance.name,
            runtimeStatus: instance.runtimeStatus,
            history: instance.history,
        };
        writeFileSync(`${file}.tmp`, `${JSON.stringify(body, null, 2)}\n`);
        renameSync(`${file}.tmp`, file);
        return file;
    });
}
