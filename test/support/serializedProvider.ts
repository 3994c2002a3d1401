import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as pulumi from '@pulumi/pulumi';

/** Loads serialized provider text as Pulumi's dynamic-provider host does: a CommonJS module compiled from a string. */
function loadSerialized(text: string): { handler: () => pulumi.dynamic.ResourceProvider } {
    const filename = path.join(process.cwd(), '__provider.js');
    const module = { exports: {} as { handler: () => pulumi.dynamic.ResourceProvider } };
    const wrapper = vm.compileFunction(text, ['exports', 'require', 'module', '__filename', '__dirname'], { filename });
    wrapper(module.exports, createRequire(filename), module, filename, path.dirname(filename));
    return module.exports;
}

/** A dynamic provider as Pulumi runs it: serialized into the state, then loaded from that text in another process. */
export async function asPulumiRunsIt(provider: pulumi.dynamic.ResourceProvider): Promise<pulumi.dynamic.ResourceProvider> {
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    return loadSerialized(serialized.text).handler();
}
