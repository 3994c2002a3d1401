import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A minimal, deterministic zip writer (PKZIP APPNOTE 6.3, no zip64, no encryption).
 *
 * Determinism is the point: the deployment is keyed on the zip's sha256, so the same entries
 * must always give the same bytes. Every entry gets the same DOS timestamp (1980-01-01 00:00,
 * the earliest a zip can express), the same Unix mode (regular file 0644), no extra fields, and
 * entries are written in byte-wise name order whatever order they are given in. Deflate output
 * depends only on the input and the zlib build bundled with Node, so builds on the same Node
 * major version are byte-identical.
 */

export interface ZipEntry {
    /** Path inside the archive, `/`-separated, no leading `/`. */
    name: string;
    data: Buffer;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION_NEEDED = 20; // 2.0: deflate
const VERSION_MADE_BY = (3 << 8) | VERSION_NEEDED; // host 3 = Unix, so the external attributes carry a Unix mode
const FLAG_UTF8_NAMES = 0x0800;
const METHOD_DEFLATE = 8;
const DOS_TIME = 0; // 00:00:00
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const UNIX_FILE_0644 = 0o100644;
const MAX_32 = 0xffffffff;

function checkName(name: string): void {
    if (
        name === '' ||
        name.startsWith('/') ||
        name.includes('\\') ||
        name.split('/').some((part) => part === '..' || part === '')
    ) {
        throw new Error(
            `Invalid zip entry name '${name}': use a relative '/'-separated path without '..' or empty segments.`,
        );
    }
}

interface EntryFields {
    crc: number;
    compressedSize: number;
    size: number;
    nameLength: number;
}

/**
 * The run of fields the local header and the central directory header share, from "version needed" to the name length.
 */
function writeEntryFields(buffer: Buffer, at: number, fields: EntryFields): void {
    buffer.writeUInt16LE(VERSION_NEEDED, at);
    buffer.writeUInt16LE(FLAG_UTF8_NAMES, at + 2);
    buffer.writeUInt16LE(METHOD_DEFLATE, at + 4);
    buffer.writeUInt16LE(DOS_TIME, at + 6);
    buffer.writeUInt16LE(DOS_DATE, at + 8);
    buffer.writeUInt32LE(fields.crc, at + 10);
    buffer.writeUInt32LE(fields.compressedSize, at + 14);
    buffer.writeUInt32LE(fields.size, at + 18);
    buffer.writeUInt16LE(fields.nameLength, at + 22);
}

/** Returns the zip archive of `entries` (sorted by name; duplicate names are an error). */
export function createZip(entries: readonly ZipEntry[]): Buffer {
    const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
    if (sorted.length > 0xffff)
        throw new Error(`Too many zip entries (${sorted.length}); the limit without zip64 is 65535.`);
    const parts: Buffer[] = [];
    const central: Buffer[] = [];
    let offset = 0;
    sorted.forEach((entry, index) => {
        checkName(entry.name);
        if (index > 0 && sorted[index - 1].name === entry.name) throw new Error(`Duplicate zip entry '${entry.name}'.`);
        const name = Buffer.from(entry.name, 'utf8');
        const compressed = deflateRawSync(entry.data, { level: 9 });
        const crc = crc32(entry.data);
        if (entry.data.length > MAX_32 || compressed.length > MAX_32 || offset > MAX_32) {
            throw new Error(`Zip entry '${entry.name}' is too large for a zip without zip64.`);
        }

        const fields: EntryFields = {
            crc,
            compressedSize: compressed.length,
            size: entry.data.length,
            nameLength: name.length,
        };
        const local = Buffer.alloc(30);
        local.writeUInt32LE(LOCAL_HEADER, 0);
        writeEntryFields(local, 4, fields);
        local.writeUInt16LE(0, 28); // no extra field (no extended timestamps, no uid/gid)

        const header = Buffer.alloc(46);
        header.writeUInt32LE(CENTRAL_HEADER, 0);
        header.writeUInt16LE(VERSION_MADE_BY, 4);
        writeEntryFields(header, 6, fields);
        header.writeUInt16LE(0, 30); // extra length
        header.writeUInt16LE(0, 32); // comment length
        header.writeUInt16LE(0, 34); // disk number
        header.writeUInt16LE(0, 36); // internal attributes
        header.writeUInt32LE((UNIX_FILE_0644 << 16) >>> 0, 38);
        header.writeUInt32LE(offset, 42);

        parts.push(local, name, compressed);
        central.push(header, name);
        offset += local.length + name.length + compressed.length;
    });
    const centralDirectory = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
    end.writeUInt16LE(0, 4); // this disk
    end.writeUInt16LE(0, 6); // disk with the central directory
    end.writeUInt16LE(sorted.length, 8);
    end.writeUInt16LE(sorted.length, 10);
    end.writeUInt32LE(centralDirectory.length, 12);
    end.writeUInt32LE(offset, 16);
    end.writeUInt16LE(0, 20); // comment length
    return Buffer.concat([...parts, centralDirectory, end]);
}
