import * as fs from 'node:fs';
import * as path from 'node:path';
import { APP_FUNCTIONS } from '../../infra/starterUrl';

/** The deployment waits until the host lists APP_FUNCTIONS: the list must be exactly the functions the app registers. */
describe('the functions a deployment waits for', () => {
    const dir = path.join(__dirname, '..', '..', 'app', 'src', 'functions');
    const files = fs.readdirSync(dir).filter((file) => file.endsWith('.ts'));

    it('are the function files of the app, one function per file named after it', () => {
        expect(files.map((file) => path.basename(file, '.ts')).sort()).toEqual([...APP_FUNCTIONS].sort());
        for (const file of files) {
            const name = path.basename(file, '.ts');
            expect(fs.readFileSync(path.join(dir, file), 'utf8')).toMatch(new RegExp(`\\.(http|activity|orchestration)\\('${name}',`));
        }
    });
});
