import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The "make it yours" change of docs/your-workflow.md, as a team would make it: edits in app/ and
 * test/app/ only. Each step's key is the step number on that page.
 */

/** Step 1: hello_orchestrator → greetCities, hello → greetCity (files and registered names). */
const GREET_CITY = `import * as df from 'durable-functions';
import type { ActivityHandler } from 'durable-functions';

export const greetCity: ActivityHandler = async (city: string): Promise<string> => {
    return 'Hej ' + city;
};

df.app.activity('greetCity', { handler: greetCity });
`;

const GREET_CITIES = `import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';

export const greetCities: OrchestrationHandler = function* (context: OrchestrationContext) {
    const cities = (context.df.getInput() as string[] | undefined) ?? ['Oslo', 'Lima'];
    const greetings: string[] = [];
    for (const city of cities) {
        greetings.push(yield context.df.callActivity('greetCity', city));
    }
    return greetings;
};

df.app.orchestration('greetCities', greetCities);
`;

/**
 * Steps 2 and 3: an orchestration of the team's own, registered the standard way, with an activity taking an object.
 */
const PROCESS_ORDER = `import * as df from 'durable-functions';
import type { ActivityHandler, OrchestrationContext, OrchestrationHandler } from 'durable-functions';

export interface Order {
    sku: string;
    quantity: number;
}

export interface Reservation {
    sku: string;
    reserved: number;
    backordered: number;
}

/** Reserves what is in stock (10 of anything) and backorders the rest. */
export const reserveStock: ActivityHandler = async (order: Order): Promise<Reservation> => {
    const reserved = Math.min(order.quantity, 10);
    return { sku: order.sku, reserved, backordered: order.quantity - reserved };
};

export const processOrder: OrchestrationHandler = function* (context: OrchestrationContext) {
    const orders = context.df.getInput() as Order[];
    const reservations: Reservation[] = [];
    for (const order of orders) {
        reservations.push(yield context.df.callActivity('reserveStock', order));
    }
    return {
        orders: reservations.length,
        backordered: reservations.filter((r) => r.backordered > 0).map((r) => r.sku),
    };
};

df.app.activity('reserveStock', { handler: reserveStock });
df.app.orchestration('processOrder', processOrder);
`;

/** Step 4: an HTTP function of the team's own. */
const STOCK_LEVEL = `import { app } from '@azure/functions';

app.http('stockLevel', {
    route: 'stock/{sku}',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: async (request) => ({ jsonBody: { sku: request.params.sku, available: 10 } }),
});
`;

/** Step 5: the post-deploy smoke check. */
/** As `npm run format` writes it (the copy's `npm test` checks the format too). */
const SMOKE_JSON = `{
  "orchestrator": "processOrder",
  "input": [
    {
      "sku": "bike",
      "quantity": 2
    },
    {
      "sku": "helmet",
      "quantity": 12
    }
  ],
  "expectedOutput": {
    "orders": 2,
    "backordered": ["helmet"]
  }
}
`;
export const SMOKE = JSON.parse(SMOKE_JSON) as { orchestrator: string; input: unknown; expectedOutput: unknown };

/** Step 6: the team's tests, with the test kit; hello's own tests go. */
const PROCESS_ORDER_TEST = `import { loadTestApp, type TestApp } from '../../tools/testing';

let app: TestApp;
beforeAll(async () => {
    app = await loadTestApp('app');
});
afterAll(() => app.close());

describe('processOrder', () => {
    it('reserves each order with the real activity and lists the backordered ones', async () => {
        const run = await app.runOrchestration('processOrder', {
            input: [
                { sku: 'bike', quantity: 2 },
                { sku: 'helmet', quantity: 12 },
            ],
        });
        expect(run.output).toEqual({ orders: 2, backordered: ['helmet'] });
        expect(run.activityCalls.map((call) => call.input)).toEqual([
            { sku: 'bike', quantity: 2 },
            { sku: 'helmet', quantity: 12 },
        ]);
    });
});

describe('greetCities', () => {
    it('greets each city it is given', async () => {
        const run = await app.runOrchestration('greetCities', { input: ['Bergen'] });
        expect(run.output).toEqual(['Hej Bergen']);
    });
});
`;

export const NEW_FUNCTIONS = ['greetCities', 'greetCity', 'http_start', 'processOrder', 'reserveStock', 'stockLevel'];
export const NEW_ORCHESTRATORS = ['greetCities', 'processOrder'];

/** Applies the change to the repository copy at `root`; returns the files it touched (relative paths). */
export function applyChange(root: string): string[] {
    const touched: string[] = [];
    const at = (file: string) => path.join(root, file);
    const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(at(file)), { recursive: true });
        fs.writeFileSync(at(file), text);
        touched.push(file);
    };
    const remove = (file: string) => {
        fs.rmSync(at(file));
        touched.push(file);
    };
    // 1. rename
    remove('app/src/functions/hello.ts');
    remove('app/src/functions/hello_orchestrator.ts');
    write('app/src/functions/greetCity.ts', GREET_CITY);
    write('app/src/functions/greetCities.ts', GREET_CITIES);
    // 2, 3. a new orchestration and an activity taking an object
    write('app/src/functions/processOrder.ts', PROCESS_ORDER);
    // 4. an HTTP function of their own
    write('app/src/functions/stockLevel.ts', STOCK_LEVEL);
    // 5. the smoke check
    write('app/smoke.json', SMOKE_JSON);
    // 6. tests: hello's go, the team's come; the starter's test follows the rename
    for (const file of ['test/app/orchestrator.test.ts', 'test/app/activity.test.ts', 'test/app/hello.e2e.test.ts'])
        remove(file);
    // hello's recorded histories: replayed against the new app they would (rightly) break, as its instances would
    for (const file of fs.readdirSync(at('test/app/histories')).filter((name) => name.startsWith('hello-')))
        remove(`test/app/histories/${file}`);
    write('test/app/processOrder.test.ts', PROCESS_ORDER_TEST);
    const starterTest = fs
        .readFileSync(at('test/app/starter.test.ts'), 'utf8')
        .replace("require('../../app/src/functions/hello');", "require('../../app/src/functions/greetCity');")
        .replace(
            "require('../../app/src/functions/hello_orchestrator');",
            "require('../../app/src/functions/greetCities');",
        )
        .replaceAll('hello_orchestrator', 'greetCities')
        .replaceAll("'hello'", "'greetCity'");
    write('test/app/starter.test.ts', starterTest);
    return touched;
}
