import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * Loads infra/policy the way `pulumi preview --policy-pack infra/policy` does (the CLI runs
 * @pulumi/pulumi's run-policy-pack in the pack's folder, which compiles index.ts with ts-node and
 * serves the Analyzer gRPC API), then asks it over gRPC what the engine would ask.
 */
const packDir = path.join(__dirname, '../../infra/policy');
/* eslint-disable @typescript-eslint/no-explicit-any -- generated gRPC stubs are untyped JS */
const analyzerGrpc = require('@pulumi/pulumi/proto/analyzer_grpc_pb');
const analyzerPb = require('@pulumi/pulumi/proto/analyzer_pb');
const { Struct } = require('google-protobuf/google/protobuf/struct_pb');
const { Empty } = require('google-protobuf/google/protobuf/empty_pb');
const grpc = require('@grpc/grpc-js');

let pack: ChildProcess;
let client: any;

const call = <T>(method: string, request: unknown) =>
    new Promise<T>((resolve, reject) =>
        client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))),
    );

beforeAll(async () => {
    pack = spawn(process.execPath, [require.resolve('@pulumi/pulumi/cmd/run-policy-pack'), '127.0.0.1:1', '.'], {
        cwd: packDir,
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    pack.stderr!.on('data', (d) => (stderr += d));
    const port = await new Promise<string>((resolve, reject) => {
        pack.stdout!.on('data', (d) => resolve(String(d).trim()));
        pack.on('exit', (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
    });
    client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    // ts-node compiles the pack (11 s idle, over 30 s on a busy 2-core machine): jest's testTimeout is only a
    // hang catcher; a pack that fails exits and rejects above.
});

afterAll(async () => {
    client?.close();
    if (pack && pack.exitCode === null && pack.signalCode === null) {
        const gone = new Promise((resolve) => pack.once('exit', resolve));
        pack.kill();
        await gone;
    }
});

it('serves every policy as mandatory under the pack name', async () => {
    const info = await call<any>('getAnalyzerInfo', new Empty());
    expect(info.getName()).toBe('durable-hello-security');
    const policies = info.getPoliciesList();
    expect(policies.map((p: any) => p.getName())).toContain('storage-shared-key-access-disabled');
    expect(new Set(policies.map((p: any) => p.getEnforcementlevel()))).toEqual(
        new Set([analyzerPb.EnforcementLevel.MANDATORY]),
    );
});

it('reports a violation for a storage account that allows shared keys', async () => {
    const request = new analyzerPb.AnalyzeRequest();
    request.setType('azure-native:storage:StorageAccount');
    request.setName('storage');
    request.setUrn('urn:pulumi:dev::durable-hello::azure-native:storage:StorageAccount::storage');
    request.setProperties(
        Struct.fromJavaScript({
            allowSharedKeyAccess: true,
            allowBlobPublicAccess: false,
            minimumTlsVersion: 'TLS1_2',
            enableHttpsTrafficOnly: true,
        }),
    );
    request.setOptions(new analyzerPb.AnalyzerResourceOptions());
    const response = await call<any>('analyze', request);
    const messages = response.getDiagnosticsList().map((d: any) => `${d.getPolicyname()}: ${d.getMessage()}`);
    expect(messages).toEqual([
        expect.stringMatching(
            /^storage-shared-key-access-disabled: .*"storage".*Fix: set allowSharedKeyAccess: false/s,
        ),
    ]);
});
