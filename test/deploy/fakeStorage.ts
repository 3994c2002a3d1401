import type * as http from 'node:http';
import { PACKAGE_BLOB } from '../../infra/deployment/packageCheck';
import { FakeServer, type RecordedRequest } from './fakeServer';

/**
 * A local stand-in for the Blob service of the app's deployment storage account: Get Blob
 * (`GET /<container>/<blob>`, `x-ms-version` required) with an Entra token for Storage (audience
 * https://storage.azure.com). One Deploy writes the package the app runs as `<container>/released-package.zip`;
 * FakeScm puts it here when it accepts a publish.
 */
export const CONTAINER = 'app-package';

export class FakeStorage extends FakeServer {
    readonly blobs = new Map<string, { body: Buffer; modified: Date }>();

    /**
     * Refuse every read as Storage does: 'role' (403 AuthorizationPermissionMismatch, a token without a data role)
     * or 'network' (403 AuthorizationFailure, the account's network rules: public network access off).
     */
    constructor(private readonly refuse?: 'role' | 'network') {
        super();
    }

    get containerUrl(): string {
        return `${this.baseUrl}/${CONTAINER}`;
    }

    putPackage(body: Buffer): void {
        this.blobs.set(`/${CONTAINER}/${PACKAGE_BLOB}`, { body, modified: new Date('2025-01-01T00:00:05Z') });
    }

    protected accepts(audience: string): boolean {
        return audience === 'https://storage.azure.com';
    }

    protected handle(request: RecordedRequest, res: http.ServerResponse): void {
        if (!request.headers['x-ms-version']) return this.xml(res, 400, 'MissingRequiredHeader');
        if (this.refuse === 'role') return this.xml(res, 403, 'AuthorizationPermissionMismatch');
        if (this.refuse === 'network') return this.xml(res, 403, 'AuthorizationFailure');
        const blob = request.method === 'GET' ? this.blobs.get(request.path.split('?')[0]) : undefined;
        if (!blob) return this.xml(res, 404, 'BlobNotFound');
        res.writeHead(200, {
            'Content-Type': 'application/zip',
            'Content-Length': blob.body.length,
            'Last-Modified': blob.modified.toUTCString(),
        }).end(blob.body);
    }

    private xml(res: http.ServerResponse, status: number, code: string): void {
        res.writeHead(status, { 'Content-Type': 'application/xml', 'x-ms-error-code': code }).end(
            `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code></Error>`,
        );
    }
}
