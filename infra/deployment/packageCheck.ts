import { createHash } from 'node:crypto';
import { checkTokenOrigin, describeError } from './errors';
import { isBoundPassed, isDeadlineError, safeUrl, send, type Bound, type HttpContext } from './http';
import type { GetToken } from './tokens';

/**
 * Proof that the package the app runs is ours, for when Kudu cannot say (its record lost, or no deployment id to
 * match). A Flex Consumption app runs the zip in its deployment container (`functionAppConfig.deployment.storage`),
 * the blob `released-package.zip`: the name One Deploy writes there and the platform loads, which is why a package
 * placed there by hand must carry it (Microsoft Learn, "Automate resource deployment for your function app", Flex
 * Consumption, "Deployment package":
 * https://learn.microsoft.com/azure/azure-functions/functions-infrastructure-as-code?pivots=flex-consumption-plan#deployment-package).
 * The blob is read with Get Blob (Storage REST, `x-ms-version`) and an Entra token for Storage; its bytes must be our
 * zip's (sha256). Reading it needs Storage Blob Data Reader on the container (the storage component grants it to the
 * deploying principal), and with `network: isolated` a network path to the private storage account; without either
 * the proof is missing and the deployment fails saying which.
 */
export const PACKAGE_BLOB = 'released-package.zip';
export const STORAGE_SCOPE = 'https://storage.azure.com/.default';
export const STORAGE_API_VERSION = '2023-11-03';

export interface PackageContext extends HttpContext {
    getToken: GetToken;
}

export interface PackageEvidence {
    ours: boolean;
    /** What was found, for the log or the error. */
    evidence: string;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export function packageBlobUrl(containerUrl: string): string {
    checkTokenOrigin(containerUrl, 'https://<account>.blob.core.windows.net/<container>');
    return `${containerUrl.replace(/\/+$/, '')}/${PACKAGE_BLOB}`;
}

export async function packageEvidence(
    ctx: PackageContext,
    containerUrl: string,
    zip: Buffer,
    bound: Bound,
): Promise<PackageEvidence> {
    const url = packageBlobUrl(containerUrl);
    const shown = safeUrl(url);
    const ours = sha256(zip);
    let token: string;
    try {
        token = await ctx.getToken(STORAGE_SCOPE);
    } catch (err) {
        return {
            ours: false,
            evidence: `no Entra ID token for ${STORAGE_SCOPE} to read ${shown} (${describeError(err)})`,
        };
    }
    try {
        const headers = { Authorization: `Bearer ${token}`, 'x-ms-version': STORAGE_API_VERSION };
        const answer = await send(ctx, { method: 'GET', url, headers, bound, maxBytes: zip.length + 1 });
        if (answer.status === 403)
            return { ours: false, evidence: refusal(shown, answer.headers.get('x-ms-error-code')) };
        if (answer.status !== 200)
            return {
                ours: false,
                evidence: `${shown} answered HTTP ${answer.status} ${answer.text.slice(0, 200)}`.trim(),
            };
        const modified = answer.headers.get('last-modified') ?? 'unknown';
        const found =
            answer.body.length > zip.length ? `more than our ${zip.length} bytes` : `sha256 ${sha256(answer.body)}`;
        if (answer.body.length === zip.length && sha256(answer.body) === ours) {
            return {
                ours: true,
                evidence: `the package the app runs, ${shown} (last modified ${modified}), is ours: sha256 ${ours}`,
            };
        }
        return {
            ours: false,
            evidence: `the package the app runs, ${shown} (last modified ${modified}), is not ours: ${found}, ours is sha256 ${ours}`,
        };
    } catch (err) {
        if (isBoundPassed(err)) throw err;
        const why = isDeadlineError(err) ? (err as Error).message : describeError(err);
        return {
            ours: false,
            evidence: `${shown} could not be read: ${why} (if the storage account is private, network: isolated, it answers only inside the app's virtual network)`,
        };
    }
}

/**
 * Storage's two 403s (x-ms-error-code, azure-sdk-for-js sdk/storage/storage-blob/src/generated/src/models/index.ts
 * KnownStorageErrorCode): AuthorizationFailure is the account's network rules refusing where the request comes
 * from (public network access off: `network: isolated`; Storage Explorer answers it with its firewall hint,
 * microsoft/AzureStorageExplorer#8183), AuthorizationPermissionMismatch a token without the data role.
 */
function refusal(shown: string, code: string | null): string {
    if (code === 'AuthorizationFailure') {
        return (
            `${shown} answered HTTP 403 AuthorizationFailure: the storage account refuses requests from this machine's network. ` +
            "With network: isolated the account has no public access, so the package can be read only from inside the app's virtual network " +
            '(a runner or jump host there); from anywhere else a deployment Kudu lost track of cannot be proved'
        );
    }
    const named = code ? ` ${code}` : '';
    return (
        `${shown} answered HTTP 403${named}: reading it needs Storage Blob Data Reader on the container for the identity running pulumi up ` +
        '(the stack grants it to that principal, or to deployerPrincipalId when set: check it is the identity you deploy with; a new assignment takes a few minutes to apply)'
    );
}
