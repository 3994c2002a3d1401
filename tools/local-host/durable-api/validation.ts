import { HttpError } from '../http/respond';

/**
 * What the Durable extension refuses at its client, with its messages.
 *
 * JSON depth: the extension reads request bodies with Newtonsoft.Json (HttpApiHandler
 * HandleStartOrchestratorRequestAsync: `JsonConvert.DeserializeObject(json, JsonSettings)`;
 * HandleRaiseEventRequestAsync and HandlePostEntityOperationRequestAsync: MessagePayloadDataConverter.ConvertToJToken,
 * a JsonTextReader; azure-functions-durable-extension src/WebJobs.Extensions.DurableTask/HttpApiHandler.cs,
 * MessagePayloadDataConverter.cs, MessageSerializerSettingsFactory.cs, none of which sets MaxDepth).
 * Newtonsoft.Json 13.0.1 (Azure/durabletask Directory.Packages.props) gives every reader `_maxDepth = 64`
 * (JamesNK/Newtonsoft.Json Src/Newtonsoft.Json/JsonReader.cs, constructor; Push throws
 * "The reader's MaxDepth of 64 has been exceeded." on the 65th nested container). The extension answers
 * that JsonReaderException with 400 "Invalid JSON content" (start, raise event) or
 * "Could not parse JSON content: ..." (entity operations).
 */
export const MAX_JSON_DEPTH = 64;

/** Where the text nests deeper than `max` containers, or undefined; a scan, so no depth can overflow it. */
export function jsonDepthExceeded(text: string, max = MAX_JSON_DEPTH): { line: number; position: number } | undefined {
    let depth = 0;
    let inString = false;
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
            if (c === 0x5c)
                i++; // backslash: skip the escaped character
            else if (c === 0x22) inString = false;
        } else if (c === 0x22) inString = true;
        else if (c === 0x5b || c === 0x7b) {
            if (++depth > max) return { line, position: i + 1 - lineStart };
        } else if (c === 0x5d || c === 0x7d) depth--;
        else if (c === 0x0a) {
            line++;
            lineStart = i + 1;
        }
    }
    return undefined;
}

/** Newtonsoft's message for JSON nested too deep, with what to do about it. */
export function depthMessage(at: { line: number; position: number }): string {
    return (
        `The reader's MaxDepth of ${MAX_JSON_DEPTH} has been exceeded. Line ${at.line}, position ${at.position}. ` +
        `Azure's Durable extension reads JSON nested at most ${MAX_JSON_DEPTH} levels deep: flatten the value or send it as a string.`
    );
}

/** Throws the 400 Azure answers when `text` nests deeper than Newtonsoft reads. */
export function refuseDeepJson(text: string, prefix: string): void {
    const at = jsonDepthExceeded(text);
    if (at) throw new HttpError(400, `${prefix}${depthMessage(at)}`);
}

/** DurableClient.MaxInstanceIdLength. */
export const MAX_INSTANCE_ID_LENGTH = 256;

/**
 * DurableClient.IsInvalidCharacter: `/ \ ? #` or char.IsControl (Unicode category Cc: U+0000-U+001F,
 * U+007F-U+009F), per UTF-16 code unit as .NET strings are.
 */
export function isInvalidIdCharacter(code: number): boolean {
    return (
        code === 0x2f ||
        code === 0x5c ||
        code === 0x3f ||
        code === 0x23 ||
        code <= 0x1f ||
        (code >= 0x7f && code <= 0x9f)
    );
}

const hasInvalidCharacter = (value: string): boolean => {
    for (let i = 0; i < value.length; i++) if (isInvalidIdCharacter(value.charCodeAt(i))) return true;
    return false;
};

/**
 * The instance ids Azure's Durable client refuses to start, with its messages (StartNewAsync in
 * azure-functions-durable-extension src/WebJobs.Extensions.DurableTask/ContextImplementations/DurableClient.cs;
 * lengths counted in UTF-16 code units as .NET does). undefined: accepted.
 */
export function instanceIdProblem(instanceId: string): string | undefined {
    if (instanceId.startsWith('@')) return 'Orchestration instance ids must not start with @.';
    if (hasInvalidCharacter(instanceId))
        return 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.';
    if (instanceId.length > MAX_INSTANCE_ID_LENGTH)
        return `Instance ID lengths must not exceed ${MAX_INSTANCE_ID_LENGTH} characters.`;
    return undefined;
}

/** DurableClient.SignalEntityAsyncInternal refuses these keys. */
export function entityKeyProblem(key: string): string | undefined {
    return hasInvalidCharacter(key) ? 'Entity keys must not contain /, \\, #, ?, or control characters.' : undefined;
}

/**
 * An ArgumentException from the client, as HttpApiHandler.HandleRequestAsync answers it: 400
 * "One or more of the arguments submitted is incorrect" with the exception (CreateErrorResponse).
 * The extension passes its sentence as ArgumentException's paramName (`new ArgumentException(nameof(instanceId),
 * "...")`), so Azure's ExceptionMessage reads `instanceId (Parameter '<sentence>')`; the sentence is kept as is here.
 */
export class ArgumentError extends HttpError {
    constructor(message: string) {
        super(400, message, {
            Message: 'One or more of the arguments submitted is incorrect',
            ExceptionMessage: message,
            ExceptionType: 'System.ArgumentException',
            StackTrace: null,
        });
    }
}
