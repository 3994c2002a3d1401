/**
 * What every part of the deploy client shares: its error type, error descriptions, bounded response bodies
 * and the https check on the URLs a bearer token is sent to.
 */

export type Fetch = typeof fetch;

// A factory, not `class extends Error`: Pulumi's function serialization (dynamic providers)
// rewrites derived class constructors as `Error.call(this)`, which loses the message.
const DEPLOYMENT_ERROR = 'DeploymentError';

export function deploymentError(message: string): Error {
    const error = new Error(message);
    error.name = DEPLOYMENT_ERROR;
    return error;
}

export function isDeploymentError(err: unknown): boolean {
    return err instanceof Error && err.name === DEPLOYMENT_ERROR;
}

export function describeError(err: unknown): string {
    const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
    // `message`, not `instanceof Error`: fetch's errors come from another realm under jest's VM.
    const message = (err as { message?: unknown })?.message;
    return [typeof message === 'string' ? message : String(err), cause?.code ?? cause?.message]
        .filter(Boolean)
        .join(': ');
}

/** A response body for a message: at most 2,000 characters, '' when it cannot be read. */
export async function bodyText(response: Response): Promise<string> {
    const text = await response.text().catch(() => '');
    return text.length > 2_000 ? text.slice(0, 2_000) + '…' : text;
}

/**
 * The origin of `raw`, which must be https (http only on loopback, for local test servers): requests to it carry a
 * token.
 */
export function checkTokenOrigin(raw: string, expected: string): URL {
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        throw deploymentError(`'${raw}' is not a URL; expected ${expected}.`);
    }
    const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
        throw deploymentError(`'${raw}' must use https: the request carries a bearer token.`);
    }
    return new URL(url.origin);
}
