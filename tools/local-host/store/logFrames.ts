import { crc32 } from 'node:zlib';

/**
 * The framing of the file store's instance logs (before the database; read once, to import them):
 * one record per line, `<crc32 hex> <json>\n`. A record is whole only when its line ends with a
 * newline and its checksum matches, so a write cut short by `kill -9` or a power loss (a partial line, or a tail of
 * zeros the file system allocated but never filled) is seen as torn and dropped instead of being read as data.
 */
export interface Frames {
    /** The JSON texts of the whole records, in order. */
    records: string[];
    /** Byte length of the whole records: what follows (if anything) is a torn tail. */
    validBytes: number;
    /** Bytes after the last whole record. */
    tornBytes: number;
}

/** Splits a log into whole records, stopping at the first torn or corrupt one. */
export function readFrames(data: Buffer): Frames {
    const records: string[] = [];
    let offset = 0;
    while (offset < data.length) {
        const end = data.indexOf(0x0a, offset);
        if (end < 0) break;
        const json = checkedRecord(data, offset, end);
        if (json === undefined) break;
        records.push(json);
        offset = end + 1;
    }
    return { records, validBytes: offset, tornBytes: data.length - offset };
}

function checkedRecord(data: Buffer, start: number, end: number): string | undefined {
    const line = data.toString('utf8', start, end);
    const json = line.slice(9);
    return line[8] === ' ' && line.slice(0, 8) === crc32(json).toString(16).padStart(8, '0') ? json : undefined;
}
