import type { AccessToken, ClientAssertionCredentialOptions, TokenCredential } from '@azure/identity';
import { deploymentError, describeError } from './errors';
import { gitHubActionsCredential, gitHubOidcSettings } from './githubOidc';

/**
 * Token audiences. Kudu (the SCM site) takes Entra ID tokens for two audiences:
 * - the App Service audience, which the VS Code Azure tools use for every Kudu call ("Using ARM tokens for Kudu
 *   calls is deprecated and will break": microsoft/vscode-azuretools appservice/src/utils/appServiceEnvironment.ts,
 *   getAppServiceScopes);
 * - the legacy ARM audience `https://management.core.windows.net/`, which azd (Azure/azure-dev
 *   cli/azd/pkg/azsdk/funcapp_host_client.go: an ARM pipeline, whose token audience is the cloud's ResourceManager
 *   audience) and Azure/functions-action (src/appservice-rest/Utilities/AzureAppServiceUtility.ts getKuduService:
 *   the azure/login CLI token, `az account get-access-token` without a resource) send.
 * The App Service token is asked for first; the legacy one when it cannot be obtained (an older Azure CLI, a
 * tenant without consent for it) or when Kudu answers 401 to it.
 */
export const APP_SERVICE_SCOPE = 'https://appservice.azure.com/.default';
export const LEGACY_ARM_SCOPE = 'https://management.core.windows.net//.default';
export const KUDU_SCOPES = [APP_SERVICE_SCOPE, LEGACY_ARM_SCOPE] as const;
/** ARM itself (the function list): the audience ARM documents; it also accepts the legacy one. */
export const ARM_SCOPE = 'https://management.azure.com/.default';

/** An Entra ID access token for `scope`; `abortSignal` ends the request at its deadline (see http.ts tokenWithin). */
export type GetToken = (scope: string, options?: { abortSignal?: AbortSignal }) => Promise<string>;

/** Tokens are reused until this close to their expiry (the Azure CLI credential runs `az` for each new one). */
const TOKEN_REFRESH_MS = 5 * 60_000;

export interface AzureTokenOptions {
    /** Where the GitHub Actions settings are read (default: process.env). */
    env?: NodeJS.ProcessEnv;
    /** For the Actions credential: authority host, HTTP client (tests point these at fakes). */
    credentialOptions?: ClientAssertionCredentialOptions;
}

/**
 * The credential our code signs in with. In a GitHub Actions job that may ask for OIDC tokens
 * (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN) and names the identity (AZURE_CLIENT_ID, AZURE_TENANT_ID): a client-assertion
 * credential that takes a fresh GitHub token for every exchange (githubOidc.ts), so no token depends on the age of
 * azure/login's CLI session. Everywhere else: DefaultAzureCredential (`az login`, azd, VS Code, managed identity...).
 */
export function azureCredential(options: AzureTokenOptions = {}): TokenCredential {
    const actions = gitHubOidcSettings(options.env ?? process.env);
    if (actions) return gitHubActionsCredential(actions, options.credentialOptions);
    const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
    return new DefaultAzureCredential();
}

/**
 * The signed-in user's or pipeline's tokens (azureCredential), one per scope, reused until close to expiry.
 * `@azure/identity` is `require`d on first use: the dynamic providers that call this are serialized by Pulumi and
 * run in another process.
 */
export function defaultAzureTokens(options: AzureTokenOptions = {}): GetToken {
    let credential: TokenCredential | undefined;
    const tokens = new Map<string, AccessToken>();
    return async (scope, tokenOptions) => {
        const cached = tokens.get(scope);
        if (cached && cached.expiresOnTimestamp - Date.now() > TOKEN_REFRESH_MS) return cached.token;
        credential ??= azureCredential(options);
        const token = await credential.getToken(scope, { abortSignal: tokenOptions?.abortSignal });
        if (token) tokens.set(scope, token);
        return token?.token ?? '';
    };
}

const SIGN_IN = 'Locally run `az login`; in GitHub Actions sign in with azure/login (OIDC) first.';

/** The bearer token for ARM: one audience, a clear error when there is none. */
export async function armAuthorization(getToken: GetToken): Promise<string> {
    let token: string;
    try {
        token = await getToken(ARM_SCOPE);
    } catch (err) {
        throw deploymentError(`Could not get an Entra ID token for ${ARM_SCOPE}: ${describeError(err)}. ${SIGN_IN}`);
    }
    if (!token) throw deploymentError(`The credential returned an empty token for ${ARM_SCOPE}. ${SIGN_IN}`);
    return `Bearer ${token}`;
}

/** The bearer token for the SCM site, moving from one audience to the next as tokens fail. */
export interface KuduAuth {
    /** `Bearer <token>` for the current audience; moves on to the next one when no token can be obtained. */
    authorization(): Promise<string>;
    /** Kudu answered 401: moves on to the next audience and says true, or says false when none is left. */
    rejected(status: number): boolean;
    /** The error for a 401 with no audience left, naming each audience tried and what happened to it. */
    rejectedError(url: string, status: number, body: string): Error;
    readonly scope: string;
}

export function kuduAuth(getToken: GetToken, log: (message: string) => void = () => undefined): KuduAuth {
    let index = 0;
    const tried: string[] = [];
    const scopes: readonly string[] = KUDU_SCOPES;

    function moveOn(reason: string): boolean {
        tried.push(`${scopes[index]} (${reason})`);
        if (index + 1 >= scopes.length) return false;
        index++;
        log(`Token for ${scopes[index - 1]}: ${reason}; trying ${scopes[index]}`);
        return true;
    }

    return {
        get scope() {
            return scopes[index];
        },
        async authorization() {
            for (;;) {
                let failure: string;
                try {
                    const token = await getToken(scopes[index]);
                    if (token) return `Bearer ${token}`;
                    failure = 'the credential returned an empty token';
                } catch (err) {
                    failure = `no token: ${describeError(err)}`;
                }
                if (!moveOn(failure)) {
                    throw deploymentError(
                        `Could not get an Entra ID token for the SCM site; audiences tried: ${tried.join('; ')}. ${SIGN_IN}`,
                    );
                }
            }
        },
        rejected(status) {
            return moveOn(`rejected with HTTP ${status}`);
        },
        rejectedError(url, status, body) {
            return deploymentError(
                `The SCM site rejected the Entra ID token (HTTP ${status}) at ${url}; audiences tried: ${tried.join('; ')}. ` +
                    `The token must come from the app's tenant; check \`az account show\` (or the OIDC login) and sign in again. ${body}`.trim(),
            );
        },
    };
}
