/** The Pulumi project name, and so the namespace of the stack's config keys (`durable-hello:<key>`). */
export const PROJECT = 'durable-hello';
