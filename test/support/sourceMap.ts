/**
 * Maps an original source line to a generated position, as an editor does to set a breakpoint in a
 * .ts file that runs compiled or bundled (source map v3, base64 VLQ mappings).
 */
export interface RawSourceMap {
    sources: string[];
    sourceRoot?: string;
    mappings: string;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeVlq(segment: string): number[] {
    const values: number[] = [];
    let value = 0;
    let shift = 0;
    for (const char of segment) {
        const digit = BASE64.indexOf(char);
        if (digit < 0) throw new Error(`Invalid base64 VLQ character "${char}" in source map`);
        value += (digit & 31) << shift;
        if (digit & 32) {
            shift += 5;
        } else {
            values.push(value & 1 ? -(value >>> 1) : value >>> 1);
            value = 0;
            shift = 0;
        }
    }
    return values;
}

export interface Mapping {
    generatedLine: number;
    generatedColumn: number;
    source: number;
    originalLine: number;
    originalColumn: number;
}

/** All mappings that point at a source (0-based lines and columns). */
export function decodeMappings(map: RawSourceMap): Mapping[] {
    const mappings: Mapping[] = [];
    let source = 0;
    let originalLine = 0;
    let originalColumn = 0;
    map.mappings.split(';').forEach((line, generatedLine) => {
        let generatedColumn = 0;
        for (const segment of line.split(',')) {
            if (!segment) continue;
            const fields = decodeVlq(segment);
            generatedColumn += fields[0];
            if (fields.length < 4) continue;
            source += fields[1];
            originalLine += fields[2];
            originalColumn += fields[3];
            mappings.push({ generatedLine, generatedColumn, source, originalLine, originalColumn });
        }
    });
    return mappings;
}

/**
 * The first generated position for `originalLine` (0-based) of the source whose path ends with
 * `sourceSuffix`, or, like editors, of the next mapped line when that line has no code.
 */
export function generatedPositionFor(
    map: RawSourceMap,
    sourceSuffix: string,
    originalLine: number,
): { lineNumber: number; columnNumber: number } {
    const normalized = sourceSuffix.replace(/\\/g, '/');
    const sourceIndex = map.sources.findIndex((s) => s.replace(/\\/g, '/').endsWith(normalized));
    if (sourceIndex < 0)
        throw new Error(
            `The source map has no source ending with ${sourceSuffix} (sources: ${map.sources.join(', ')})`,
        );
    const candidates = decodeMappings(map)
        .filter((m) => m.source === sourceIndex && m.originalLine >= originalLine)
        .sort(
            (a, b) =>
                a.originalLine - b.originalLine ||
                a.generatedLine - b.generatedLine ||
                a.generatedColumn - b.generatedColumn,
        );
    if (!candidates.length)
        throw new Error(`No generated code for ${sourceSuffix} at or after line ${originalLine + 1}`);
    return { lineNumber: candidates[0].generatedLine, columnNumber: candidates[0].generatedColumn };
}
