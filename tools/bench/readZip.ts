import { crc32, inflateRawSync } from 'node:zlib';

export interface ReadEntry {
    name: string;
    data: Buffer;
    dosTime: number;
    dosDate: number;
    unixMode: number;
    versionMadeBy: number;
}

/** Reads a zip through its central directory, inflating and CRC-checking every entry. */
export function readZip(zip: Buffer): ReadEntry[] {
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new Error('no end of central directory record');
    const count = zip.readUInt16LE(eocd + 10);
    let at = zip.readUInt32LE(eocd + 16);
    const entries: ReadEntry[] = [];
    for (let i = 0; i < count; i++) {
        if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central header at ${at}`);
        const method = zip.readUInt16LE(at + 10);
        const crc = zip.readUInt32LE(at + 16);
        const compressedSize = zip.readUInt32LE(at + 20);
        const nameLength = zip.readUInt16LE(at + 28);
        const extraLength = zip.readUInt16LE(at + 30);
        const commentLength = zip.readUInt16LE(at + 32);
        const localOffset = zip.readUInt32LE(at + 42);
        const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
        const localData = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
        const raw = zip.subarray(localData, localData + compressedSize);
        const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
        if (crc32(data) !== crc) throw new Error(`CRC mismatch for ${name}`);
        entries.push({
            name,
            data,
            dosTime: zip.readUInt16LE(at + 12),
            dosDate: zip.readUInt16LE(at + 14),
            unixMode: zip.readUInt32LE(at + 38) >>> 16,
            versionMadeBy: zip.readUInt16LE(at + 4),
        });
        at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
}
