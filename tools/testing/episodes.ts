import { EventType, type HistoryEvent } from '../local-host/model/history';

export type ScheduledWork =
    | { kind: 'activity'; name: string; input: unknown }
    | { kind: 'timer'; fireAt: string }
    | { kind: 'subOrchestration'; name: string; instanceId: string; input: unknown }
    | { kind: 'entity'; entityId: string; operation: string };

/** One orchestrator episode: when it ran (virtual time) and the work it scheduled. */
export interface Episode {
    at: string;
    scheduled: ScheduledWork[];
}

const parse = (json: unknown): unknown => (typeof json === 'string' ? JSON.parse(json) : undefined);

function work(event: HistoryEvent): ScheduledWork | undefined {
    switch (event.EventType) {
        case EventType.TaskScheduled:
            return { kind: 'activity', name: String(event.Name), input: parse(event.Input) };
        case EventType.TimerCreated:
            return { kind: 'timer', fireAt: String(event.FireAt) };
        case EventType.SubOrchestrationInstanceCreated:
            return {
                kind: 'subOrchestration',
                name: String(event.Name),
                instanceId: String(event.InstanceId),
                input: parse(event.Input),
            };
        case EventType.EventSent:
            return {
                kind: 'entity',
                entityId: String(event.InstanceId),
                operation: String((parse(event.Input) as { op?: string } | undefined)?.op ?? event.Name),
            };
        default:
            return undefined;
    }
}

/** The history cut into episodes (each starts with OrchestratorStarted), with what each one scheduled. */
export function episodesOf(history: HistoryEvent[]): Episode[] {
    const episodes: Episode[] = [];
    for (const event of history) {
        if (event.EventType === EventType.OrchestratorStarted) episodes.push({ at: event.Timestamp, scheduled: [] });
        const scheduled = work(event);
        if (scheduled && episodes.length > 0) episodes[episodes.length - 1].scheduled.push(scheduled);
    }
    return episodes;
}
