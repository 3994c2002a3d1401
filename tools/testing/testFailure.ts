const INTERNAL_FRAME = /[\\/]tools[\\/](testing|local-host)[\\/]|node:internal/;

/** Stack frames of the kit and the engine dropped: the test runner points at the test's own line. */
export function atCaller(error: Error): Error {
    const lines = (error.stack ?? '').split('\n');
    const firstFrame = lines.findIndex((line) => /^\s+at /.test(line));
    if (firstFrame < 0) return error;
    const frames = lines.slice(firstFrame).filter((line) => !INTERNAL_FRAME.test(line));
    error.stack = [...lines.slice(0, firstFrame), ...frames].join('\n');
    return error;
}
