import * as fs from 'node:fs';
import * as path from 'node:path';
import { anchors, DOC_FILES, prose, readDoc, relativeLinks, REPO_ROOT, slug } from './docs';

describe('README and docs/ hold together', () => {
    it('resolves every relative link: the file exists, and an #anchor is a heading of it', () => {
        const broken: string[] = [];
        let checked = 0;
        for (const file of DOC_FILES) {
            for (const link of relativeLinks(file)) {
                checked++;
                const [target, anchor] = link.target.split('#');
                const resolved = target
                    ? path.resolve(REPO_ROOT, path.dirname(file), target)
                    : path.join(REPO_ROOT, file);
                const where = `${file}:${link.line} → ${link.target}`;
                if (!fs.existsSync(resolved)) broken.push(`${where}: no such file`);
                else if (anchor !== undefined && !anchors(fs.readFileSync(resolved, 'utf8')).has(anchor))
                    broken.push(`${where}: no heading with that anchor`);
            }
        }
        expect(broken).toEqual([]);
        expect(checked).toBeGreaterThan(40);
    });

    it('links every docs/ page from the README, so any concern is one hop away', () => {
        const linked = new Set(relativeLinks('README.md').map((l) => l.target.split('#')[0]));
        expect(DOC_FILES.filter((f) => f.startsWith('docs/') && !linked.has(f))).toEqual([]);
    });

    it('links each docs/ page back to the README', () => {
        const orphans = DOC_FILES.filter(
            (f) => f.startsWith('docs/') && !relativeLinks(f).some((l) => l.target.startsWith('../README.md')),
        );
        expect(orphans).toEqual([]);
    });

    it("links each tool's README (its contract) from docs/layout.md, and back", () => {
        const readmes = DOC_FILES.filter((f) => f.startsWith('tools/'));
        expect(readmes.length).toBeGreaterThan(1);
        const linked = new Set(relativeLinks('docs/layout.md').map((l) => l.target.split('#')[0]));
        expect(readmes.filter((f) => !linked.has(`../${f}`))).toEqual([]);
        expect(readmes.filter((f) => !relativeLinks(f).some((l) => l.target === '../../docs/layout.md'))).toEqual([]);
    });

    it("shows how to run, test and deploy on the README's first screen", () => {
        const firstScreen = readDoc('README.md').split('\n').slice(0, 40).join('\n');
        for (const command of ['npm ci && npm start', 'npm test', 'pulumi up']) expect(firstScreen).toContain(command);
    });

    it('has a diagram of the architecture in the README and of the local host in docs/local-host.md', () => {
        for (const file of ['README.md', 'docs/local-host.md']) expect(readDoc(file)).toMatch(/```mermaid\nflowchart /);
    });

    it('computes anchors as GitHub does', () => {
        expect(slug('State backend and `pulumi destroy`')).toBe('state-backend-and-pulumi-destroy');
        expect(slug('Served locally, as in Azure')).toBe('served-locally-as-in-azure');
        expect(slug("The starter's contract")).toBe('the-starters-contract');
        expect([...anchors('# A\n## B\n```\n# not a heading\n```\n## B\n')]).toEqual(['a', 'b', 'b-1']);
        expect(prose('x\n```\ny\n```\nz')).toBe('x\n\n\n\nz');
    });
});
