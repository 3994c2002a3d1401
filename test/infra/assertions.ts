/** Checks shared by the infra program tests (each test file runs the program once, with its own config). */
import { MOCK_SUBSCRIPTION_ID, type MockedResource, type ProgramRun } from '../support/pulumiMocks';
import { ROLES, uuidV5, type RoleName } from '../../infra/roles';

export type Settings = Record<string, string>;

export function appSettingsOf(run: ProgramRun): Settings {
    const site = run.one('azure-native:web:WebApp');
    return Object.fromEntries(
        (site.inputs.siteConfig.appSettings as { name: string; value: string }[]).map((s) => [s.name, s.value]),
    );
}

/** Shapes a secret takes in Azure config: account keys, SAS tokens, key-bearing connection strings. */
const SECRET_PATTERNS = [
    /AccountKey=/i,
    /SharedAccessSignature/i,
    /[?&]sig=/i,
    /SharedAccessKey=/i,
    /DefaultEndpointsProtocol=/i,
    /password/i,
];

/** Every string anywhere in every resource's inputs (settings, config, nested objects). */
export function allInputStrings(run: ProgramRun): string[] {
    const found: string[] = [];
    const walk = (v: unknown) => {
        if (typeof v === 'string') {
            found.push(v);
        } else if (Array.isArray(v)) {
            v.forEach(walk);
        } else if (v && typeof v === 'object') {
            Object.entries(v).forEach(([k, inner]) => {
                found.push(k);
                walk(inner);
            });
        }
    };
    run.resources.forEach((r) => walk(r.inputs));
    return found;
}

export function secretBearingStrings(run: ProgramRun): string[] {
    return allInputStrings(run).filter((s) => SECRET_PATTERNS.some((p) => p.test(s)));
}

export interface ExpectedGrant {
    role: RoleName;
    scope: string;
    principalId: string;
    principalType: string;
}

/** Role assignments as comparable records, with the name checked to be the deterministic UUID. */
export function grantsOf(run: ProgramRun): ExpectedGrant[] {
    return run.ofType('azure-native:authorization:RoleAssignment').map((a: MockedResource) => {
        const roleGuid = String(a.inputs.roleDefinitionId).split('/').pop();
        const role = (Object.keys(ROLES) as RoleName[]).find((r) => ROLES[r] === roleGuid);
        expect(a.inputs.roleDefinitionId).toBe(
            `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
        );
        expect(a.inputs.roleAssignmentName).toBe(
            uuidV5(`${a.inputs.scope}|${a.inputs.roleDefinitionId}|${a.inputs.principalId}`),
        );
        if (!role) {
            throw new Error(`unexpected role definition ${a.inputs.roleDefinitionId}`);
        }
        return {
            role,
            scope: a.inputs.scope,
            principalId: a.inputs.principalId,
            principalType: a.inputs.principalType,
        };
    });
}

/** Type → count, for "exactly these resources" assertions. */
export function resourceCounts(run: ProgramRun): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of run.custom) {
        counts[r.type] = (counts[r.type] ?? 0) + 1;
    }
    return counts;
}
