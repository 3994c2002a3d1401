/**
 * host.json `functionTimeout`: how long one invocation may run. Flex Consumption's default is 30
 * minutes, with no maximum (https://learn.microsoft.com/azure/azure-functions/functions-scale#timeout,
 * MicrosoftDocs/azure-docs includes/functions-timeout-duration.md); "-1" means unbounded.
 */
export const FLEX_DEFAULT_TIMEOUT = '00:30:00';

export interface FunctionTimeout {
    /** Undefined: unbounded. */
    ms?: number;
    /** As .NET's TimeSpan.ToString() prints it, which the host's messages use ("00:30:00"). */
    text: string;
}

const TIMESPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$/;

export function parseFunctionTimeout(value: unknown): FunctionTimeout {
    const text = value === undefined || value === null ? FLEX_DEFAULT_TIMEOUT : String(value).trim();
    if (text === '-1') return { text };
    const match = typeof value === 'number' ? null : TIMESPAN.exec(text);
    if (!match) {
        throw new Error(
            `host.json functionTimeout '${String(value)}' is not a time span: use "hh:mm:ss" (e.g. "00:10:00"), or "-1" for no limit.`,
        );
    }
    const [, days = '0', hours, minutes, seconds, fraction = ''] = match;
    const ms =
        ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 +
        Number(seconds) * 1000 +
        Math.round(Number(`0.${fraction || '0'}`) * 1000);
    if (ms <= 0)
        throw new Error(`host.json functionTimeout '${text}' must be longer than zero (or "-1" for no limit).`);
    const pad = (n: number): string => String(n).padStart(2, '0');
    const total = Math.floor(ms / 1000);
    const dayPart = Math.floor(total / 86400);
    const clock = `${pad(Math.floor(total / 3600) % 24)}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
    const rest = ms % 1000;
    return {
        ms,
        text: `${dayPart ? `${dayPart}.` : ''}${clock}${rest ? `.${String(rest).padStart(3, '0')}0000` : ''}`,
    };
}

/**
 * The messages of the WebJobs host (azure-webjobs-sdk src/Microsoft.Azure.WebJobs.Host/Executors/
 * FunctionExecutor.cs): the error it logs when the timer fires (OnFunctionTimeout), and the message of
 * the FunctionTimeoutException the invocation then fails with (TryHandleTimeoutAsync).
 */
export function timeoutLogMessage(timeout: FunctionTimeout, functionName: string, invocationId: string): string {
    return `Timeout value of ${timeout.text} exceeded by function 'Functions.${functionName}' (Id: '${invocationId}'). Initiating cancellation.`;
}

export class FunctionTimeoutError extends Error {
    override name = 'FunctionTimeoutException';
    constructor(timeout: FunctionTimeout, functionName: string) {
        super(`Timeout value of ${timeout.text} was exceeded by function: Functions.${functionName}`);
    }
}
