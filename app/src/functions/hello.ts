import * as df from 'durable-functions';
import type { ActivityHandler } from 'durable-functions';

export const hello: ActivityHandler = async (city: string): Promise<string> => 'Hello ' + city;

df.app.activity('hello', { handler: hello });
