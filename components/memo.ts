/**
 * A small memo for the pure renderers that every server of a program calls with the same settings
 * (the activation script, the user data): a program of 500 servers renders and deflates them once,
 * not 500 times.
 */

/**
 * Wraps a pure function so that it computes each result once per text key and remembers at most
 * `limit` results (the oldest forgotten first). A call that throws remembers nothing.
 */
export function memoize<A extends unknown[], R>(
    fn: (...args: A) => R,
    key: (...args: A) => string,
    limit = 16,
): (...args: A) => R {
    const results = new Map<string, R>();
    return (...args: A): R => {
        const k = key(...args);
        if (results.has(k)) {
            return results.get(k)!;
        }
        const result = fn(...args);
        if (results.size >= limit) {
            results.delete(results.keys().next().value!);
        }
        results.set(k, result);
        return result;
    };
}
