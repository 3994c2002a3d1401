export const AUTH_LEVELS = ['function', 'anonymous'] as const;
export type StarterAuthLevel = (typeof AUTH_LEVELS)[number];

/** Reads HTTP_START_AUTH_LEVEL; unset means `function`. Anything else stops the app at start-up. */
export function starterAuthLevel(value: string | undefined = process.env.HTTP_START_AUTH_LEVEL): StarterAuthLevel {
    if (value === undefined || value === '') {
        return 'function';
    }
    const level = value.trim().toLowerCase();
    if ((AUTH_LEVELS as readonly string[]).includes(level)) {
        return level as StarterAuthLevel;
    }
    throw new Error(
        `App setting HTTP_START_AUTH_LEVEL is '${value}'; allowed values: ${AUTH_LEVELS.join(', ')} ` +
            `(unset means 'function'). Fix the setting and restart the app.`,
    );
}
