import * as df from 'durable-functions';
import type { ActivityHandler } from 'durable-functions';

// A block body gives the return its own line: a line breakpoint there stops on each call.
export const hello: ActivityHandler = async (city: string): Promise<string> => {
    return 'Hello ' + city;
};

df.app.activity('hello', { handler: hello });
