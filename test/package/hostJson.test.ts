import * as fs from 'node:fs';
import * as path from 'node:path';
import { deployedHostJson } from '../../infra/package/hostJson';

const appHostJson = fs.readFileSync(path.join(__dirname, '../../app/host.json'), 'utf8');

describe('deployedHostJson', () => {
    it("keeps the app's host.json for the Azure Storage backend, in canonical form", () => {
        const deployed = deployedHostJson(appHostJson);
        expect(JSON.parse(deployed)).toEqual(JSON.parse(appHostJson));
        expect(deployed.endsWith('}\n')).toBe(true);
        expect(Object.keys(JSON.parse(deployed))).toEqual(['extensionBundle', 'logging', 'version']);
    });

    it('gives the same bytes for the same value whatever the key order', () => {
        const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(appHostJson)).reverse()));
        expect(deployedHostJson(reordered)).toBe(deployedHostJson(appHostJson));
    });

    it('configures the Durable Task Scheduler provider from app settings and a bundle that has it', () => {
        const host = JSON.parse(deployedHostJson(appHostJson, 'durableTaskScheduler'));
        expect(host.extensionBundle).toEqual({
            id: 'Microsoft.Azure.Functions.ExtensionBundle',
            version: '[4.32.0, 5.0.0)',
        });
        expect(host.extensions.durableTask).toEqual({
            hubName: '%TASKHUB_NAME%',
            storageProvider: { type: 'azureManaged', connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING' },
        });
        expect(host.logging).toEqual(JSON.parse(appHostJson).logging);
    });

    it('refuses a host.json without the extension bundle, saying what to add', () => {
        expect(() => deployedHostJson('{"version":"2.0"}')).toThrow(/needs "extensionBundle"/);
    });

    it('refuses an unknown backend and invalid JSON', () => {
        expect(() => deployedHostJson(appHostJson, 'netherite' as never)).toThrow(
            /use one of: azureStorage, durableTaskScheduler/,
        );
        expect(() => deployedHostJson('{')).toThrow(/host.json is not valid JSON/);
    });
});
