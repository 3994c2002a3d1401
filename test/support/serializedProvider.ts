import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as pulumi from '@pulumi/pulumi';

/** Loads serialized function text as Pulumi's dynamic-provider host does: a CommonJS module compiled from a string. */
function loadSerialized<T>(text: string): { handler: () => T } {
    const filename = path.join(process.cwd(), '__provider.js');
    const module = { exports: {} as { handler: () => T } };
    const wrapper = vm.compileFunction(text, ['exports', 'require', 'module', '__filename', '__dirname'], { filename });
    wrapper(module.exports, createRequire(filename), module, filename, path.dirname(filename));
    return module.exports;
}

/**
 * A value (a dynamic provider, or a function it calls) as Pulumi runs it: serialized into the state, then loaded from
 * that text.
 */
export async function asPulumiRunsIt<T>(value: T): Promise<T> {
    const serialized = await pulumi.runtime.serializeFunction(() => value, { allowSecrets: true });
    return loadSerialized<T>(serialized.text).handler();
}
