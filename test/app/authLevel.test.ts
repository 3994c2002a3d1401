import { FunctionsCore } from '../../tools/local-host/worker-process/functionsCore';

/** Loads http_start afresh with the given HTTP_START_AUTH_LEVEL, as an app start would. */
function startApp(setting: string | undefined): FunctionsCore {
    const core = new FunctionsCore();
    jest.resetModules();
    jest.doMock('@azure/functions-core', () => core.api, { virtual: true });
    if (setting === undefined) delete process.env.HTTP_START_AUTH_LEVEL;
    else process.env.HTTP_START_AUTH_LEVEL = setting;
    require('../../app/src/functions/http_start');
    return core;
}

function authLevel(core: FunctionsCore): unknown {
    return Object.values(core.registrations.get('http_start')!.metadata.bindings).find((b) => b.type === 'httpTrigger')
        ?.authLevel;
}

describe('HTTP_START_AUTH_LEVEL', () => {
    afterAll(() => delete process.env.HTTP_START_AUTH_LEVEL);

    it('defaults to function keys', () => {
        expect(authLevel(startApp(undefined))).toBe('function');
        expect(authLevel(startApp(''))).toBe('function');
    });

    it('accepts function and anonymous', () => {
        expect(authLevel(startApp('function'))).toBe('function');
        expect(authLevel(startApp('anonymous'))).toBe('anonymous');
    });

    it('fails start-up on any other value, naming the allowed values', () => {
        expect(() => startApp('admin')).toThrow(
            "App setting HTTP_START_AUTH_LEVEL is 'admin'; allowed values: function, anonymous",
        );
        expect(() => startApp('anon')).toThrow(/allowed values: function, anonymous/);
    });
});
