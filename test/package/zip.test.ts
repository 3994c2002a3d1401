import { createZip } from '../../infra/package/zip';
import { readZip } from '../../tools/bench/readZip';

describe('createZip', () => {
    const entries = [
        { name: 'b/two.txt', data: Buffer.from('two') },
        { name: 'a.json', data: Buffer.from('{"a":1}') },
        { name: 'Z.txt', data: Buffer.alloc(10_000, 'z') },
    ];

    it('round-trips the entries in byte-wise name order with a fixed 1980-01-01 timestamp and mode 0644', () => {
        const read = readZip(createZip(entries));
        expect(read.map((e) => e.name)).toEqual(['Z.txt', 'a.json', 'b/two.txt']);
        expect(read.map((e) => e.data.toString())).toEqual(['z'.repeat(10_000), '{"a":1}', 'two']);
        for (const entry of read) {
            expect([entry.dosDate, entry.dosTime]).toEqual([(1 << 5) | 1, 0]);
            expect(entry.unixMode).toBe(0o100644);
            expect(entry.versionMadeBy >> 8).toBe(3); // Unix, so unzip applies the mode
        }
    });

    it('gives the same bytes whatever the input order', () => {
        expect(createZip([...entries].reverse()).equals(createZip(entries))).toBe(true);
    });

    it.each(['/abs.txt', '../up.txt', 'a\\b.txt', 'a//b.txt', ''])('refuses the unsafe entry name %j', (name) => {
        expect(() => createZip([{ name, data: Buffer.from('x') }])).toThrow(/Invalid zip entry name/);
    });

    it('refuses duplicate names', () => {
        expect(() => createZip([entries[0], entries[0]])).toThrow(/Duplicate zip entry 'b\/two.txt'/);
    });
});
