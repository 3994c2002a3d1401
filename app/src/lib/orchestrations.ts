import * as df from 'durable-functions';
import type { OrchestrationHandler } from 'durable-functions';

// The starter refuses names not in this set, so a typo answers 404 instead of starting an
// orchestration that the Durable host can never run.
const registered = new Set<string>();

export function registerOrchestration(name: string, handler: OrchestrationHandler): void {
    df.app.orchestration(name, handler);
    registered.add(name);
}

export function knownOrchestrations(): string[] {
    return [...registered].sort();
}
