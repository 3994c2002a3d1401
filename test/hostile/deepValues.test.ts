import { fromWire, toWire, writeEach, type Batch } from '../../tools/local-host/worker-process/protocol';
import { jsonDepthExceeded, MAX_JSON_DEPTH } from '../../tools/local-host/durable-api/validation';

/** User JSON of any depth crosses the host↔worker channel's code without overflowing the stack. */
describe("the channel's walk over user values", () => {
    const nest = (depth: number, leaf: unknown): unknown => {
        let value = leaf;
        for (let i = 0; i < depth; i++) value = i % 2 ? { inner: value } : [value];
        return value;
    };
    const depthOf = (value: unknown): number => {
        let depth = 0;
        for (let v = value; v !== null && typeof v === 'object' && !(v instanceof Uint8Array); depth++)
            v = Array.isArray(v) ? v[0] : (v as { inner: unknown }).inner;
        return depth;
    };

    it('copies a value nested 50,000 levels deep there and back, bytes included, without a RangeError', () => {
        const bytes = new Uint8Array([1, 2, 255]);
        const wire = toWire(nest(50_000, bytes));
        expect(depthOf(wire)).toBe(50_001); // the bytes travel as { $bytes: base64 }
        const back = fromWire(wire);
        expect(depthOf(back)).toBe(50_000);
        let leaf: unknown = back;
        while (!(leaf instanceof Uint8Array)) leaf = Array.isArray(leaf) ? leaf[0] : (leaf as { inner: unknown }).inner;
        expect([...leaf]).toEqual([1, 2, 255]);
    });

    it('keeps a "__proto__" key a plain property, as JSON.parse makes it', () => {
        const parsed = JSON.parse('{"__proto__":{"polluted":true},"a":[1]}') as Record<string, unknown>;
        const copy = fromWire(toWire(parsed)) as Record<string, unknown>;
        expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
        expect(JSON.stringify(copy)).toBe('{"__proto__":{"polluted":true},"a":[1]}');
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
});

describe('writeEach: a message the channel cannot serialize', () => {
    const write = (sent: unknown[]) => (message: unknown) => {
        // Throws RangeError on a value nested too deep, as process.send does.
        sent.push(JSON.parse(JSON.stringify(message)));
    };
    const tooDeep = (): unknown => {
        let value: unknown = 0;
        for (let i = 0; i < 50_000; i++) value = [value];
        return value;
    };

    it('goes to `unsendable` while the rest of its batch is still sent, in order', () => {
        const sent: unknown[] = [];
        const unsent: string[] = [];
        const batch: Batch<{ type: string; id: number; value?: unknown }> = {
            type: 'batch',
            messages: [
                { type: 'response', id: 1 },
                { type: 'response', id: 2, value: tooDeep() },
                { type: 'response', id: 3 },
            ],
        };
        writeEach(write(sent), batch, (message, err) => unsent.push(`${message.id}: ${err.name}`));
        expect(sent).toEqual([
            { type: 'response', id: 1 },
            { type: 'response', id: 3 },
        ]);
        expect(unsent).toEqual(['2: RangeError']);
    });
});

describe("jsonDepthExceeded (Newtonsoft's MaxDepth of 64)", () => {
    it('accepts 64 nested containers and refuses the 65th, at its position', () => {
        expect(MAX_JSON_DEPTH).toBe(64);
        expect(jsonDepthExceeded('['.repeat(64) + ']'.repeat(64))).toBeUndefined();
        expect(jsonDepthExceeded('['.repeat(65) + ']'.repeat(65))).toEqual({ line: 1, position: 65 });
        expect(jsonDepthExceeded(`{"a":\n${'{"b":'.repeat(64)}1${'}'.repeat(65)}`)).toEqual({
            line: 2,
            position: 5 * 63 + 1,
        });
    });

    it('does not count brackets inside strings, escaped quotes included', () => {
        const text = JSON.stringify({ s: '['.repeat(100) + '\\"[[[', t: ['"{{{'] });
        expect(jsonDepthExceeded(text)).toBeUndefined();
    });

    it('scans a million levels without recursion', () => {
        expect(jsonDepthExceeded('['.repeat(1_000_000))).toEqual({ line: 1, position: 65 });
    });
});
