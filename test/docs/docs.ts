/** The README and docs/*.md, read the way the drift tests need them: sections, tables, links, headings. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DOCS_DIR = path.join(REPO_ROOT, 'docs');

const TOOL_READMES = fs
    .readdirSync(path.join(REPO_ROOT, 'tools'))
    .filter((tool) => fs.existsSync(path.join(REPO_ROOT, 'tools', tool, 'README.md')))
    .sort()
    .map((tool) => `tools/${tool}/README.md`);

/** Repository-relative paths: README.md first, then every docs/*.md, then each tool's README (its contract). */
export const DOC_FILES = [
    'README.md',
    ...fs
        .readdirSync(DOCS_DIR)
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => `docs/${f}`),
    ...TOOL_READMES,
];

export const readDoc = (file: string): string => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');

/** Every page joined: a fact documented anywhere counts. */
export const allDocs = (): string => DOC_FILES.map(readDoc).join('\n');

/** The text outside fenced code blocks, with each fence's lines blanked (line numbers stay). */
export function prose(markdown: string): string {
    let fenced = false;
    return markdown
        .split('\n')
        .map((line) => {
            if (line.startsWith('```')) {
                fenced = !fenced;
                return '';
            }
            return fenced ? '' : line;
        })
        .join('\n');
}

/** A `## heading` section up to the next heading of the same or a higher level; throws when missing. */
export function section(markdown: string, heading: string): string {
    const lines = markdown.split('\n');
    const start = lines.findIndex((l) => /^#+ /.test(l) && l.replace(/^#+ /, '') === heading);
    if (start < 0) throw new Error(`no heading '${heading}'`);
    const level = lines[start].indexOf(' ');
    const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && l.indexOf(' ') <= level);
    return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** Rows of the first table whose header starts with `firstHeader`, as trimmed cells (header and separator left out). */
export function tableRows(markdown: string, firstHeader: string): string[][] {
    const lines = markdown.split('\n');
    const start = lines.findIndex((l) => l.startsWith(`| ${firstHeader}`));
    if (start < 0) throw new Error(`no table starting with '${firstHeader}'`);
    const rows: string[][] = [];
    for (let i = start + 2; i < lines.length && lines[i].startsWith('|'); i++) {
        rows.push(
            lines[i]
                .slice(1, -1)
                .split(' | ')
                .map((cell) => cell.trim()),
        );
    }
    return rows;
}

/** The `code` spans of a cell: `` `a`, `b` `` → ['a', 'b']. */
export const codeSpans = (text: string): string[] => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

/** GitHub's anchor for a heading (github-slugger): lower case, punctuation dropped, each space a hyphen. */
export const slug = (heading: string): string =>
    heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
        .replace(/ /g, '-');

/** The anchors a page's headings get, duplicates numbered as GitHub does. */
export function anchors(markdown: string): Set<string> {
    const seen = new Map<string, number>();
    const result = new Set<string>();
    for (const line of prose(markdown).split('\n')) {
        const m = /^#{1,6} (.+)$/.exec(line);
        if (!m) continue;
        const base = slug(m[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        result.add(n === 0 ? base : `${base}-${n}`);
    }
    return result;
}

export interface Link {
    file: string;
    line: number;
    target: string;
}

/** Links to other files of the repository or to headings (web links left out), outside code. */
export function relativeLinks(file: string): Link[] {
    return prose(readDoc(file))
        .split('\n')
        .flatMap((text, i) => [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => ({ file, line: i + 1, target: m[1] })))
        .filter((link) => !/^[a-z]+:/i.test(link.target));
}

/** Each `npm run <script> -- <args>` or `npm start -- <args>` written in the docs, with its flags (`--name`). */
export function npmInvocations(text: string): { script: string; flags: string[] }[] {
    return [...text.matchAll(/npm (?:run ([a-z][\w-]*)|(start))(?: -- ([^`#\n]*))?/g)].map((m) => ({
        script: m[1] ?? m[2],
        flags: [...(m[3] ?? '').matchAll(/(?:^|\s|\[)(--[a-z][a-z-]*)/g)].map((f) => f[1]),
    }));
}
