import { runProgram, type ProgramRun } from '../support/pulumiMocks';
import { grantsOf } from './assertions';

const PIPELINE = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';

let run: ProgramRun;
beforeAll(async () => {
    run = await runProgram({ location: 'swedencentral', replayCheckPrincipalId: PIPELINE.toUpperCase() });
});

describe('replayCheckPrincipalId: the identity that runs npm run replay-check before deploys', () => {
    it('gets exactly Storage Table Data Reader and Storage Blob Data Reader, on the storage account only', () => {
        const account = run.one('azure-native:storage:StorageAccount').id;
        expect(grantsOf(run).filter((g) => g.principalId === PIPELINE)).toEqual([
            {
                role: 'Storage Table Data Reader',
                scope: account,
                principalId: PIPELINE,
                principalType: 'ServicePrincipal',
            },
            {
                role: 'Storage Blob Data Reader',
                scope: account,
                principalId: PIPELINE,
                principalType: 'ServicePrincipal',
            },
        ]);
    });
});

describe('replayCheckRoles', () => {
    it('with the Durable Task Scheduler: Durable Task Data Reader on the scheduler, nothing on storage', () => {
        const { replayCheckRoles } =
            require('../../infra/replayCheckRoles') as typeof import('../../infra/replayCheckRoles');
        expect(replayCheckRoles('durableTaskScheduler', { storageAccountId: 'st', schedulerId: 'dts' })).toEqual([
            { role: 'Durable Task Data Reader', scope: 'dts' },
        ]);
    });
});
