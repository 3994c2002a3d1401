import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';

export const CITIES = ['Seattle', 'Tokyo', 'London'] as const;

export const helloOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
    const greetings: string[] = [];
    for (const city of CITIES) {
        greetings.push(yield context.df.callActivity('hello', city));
    }
    return greetings;
};

df.app.orchestration('hello_orchestrator', helloOrchestrator);
