/**
 * The activation script's retry schedule, computed the same way the script computes it, and the
 * worst-case time one run can take: the TAT command timeout and the invocation's create timeout
 * are sized from it.
 */
import { ResolvedActivationScriptOptions } from "./options";

/** Tries of `w32tm /resync` in one clock sync. */
export const RESYNC_TRIES = 3;
/** Seconds between two `w32tm /resync` tries. */
export const RESYNC_PAUSE_SECONDS = 5;
/** The back-off stops doubling at this multiple of `retryDelaySeconds`. */
export const MAX_DELAY_FACTOR = 8;

/** How `activate.cmd /check` waits for the first-boot run's result file: up to tries x pauseSeconds. */
export const CHECK_WAIT = { tries: 80, pauseSeconds: 15 } as const;

/** Generous upper bounds for one call of each slow tool (seconds); Windows gives no hard limit. */
export const TOOL_SECONDS = {
    /** `slmgr -ato` against a host that does not answer (DNS, then TCP connect time-outs). */
    ato: 90,
    /** One `w32tm /resync`. */
    resync: 30,
    /** Everything else in one run: service starts, wmic queries, -skms, -ipk. */
    rest: 60,
} as const;

/** The waits (seconds) the script makes between `-ato` attempts: one fewer than `maxAttempts`. */
export function retryDelays(options: Pick<ResolvedActivationScriptOptions, "maxAttempts" | "retryDelaySeconds">): number[] {
    const cap = options.retryDelaySeconds * MAX_DELAY_FACTOR;
    const delays: number[] = [];
    let delay = options.retryDelaySeconds;
    for (let i = 1; i < options.maxAttempts; i++) {
        delays.push(delay);
        delay = Math.min(delay * 2, cap);
    }
    return delays;
}

/** Worst-case seconds of one clock sync: every resync try fails. */
export function clockSyncWorstSeconds(): number {
    return RESYNC_TRIES * TOOL_SECONDS.resync + (RESYNC_TRIES - 1) * RESYNC_PAUSE_SECONDS;
}

/**
 * Worst-case seconds of one script run: the first clock sync, then every attempt timing out and
 * being followed by a full clock sync (the clock-skew path), plus every back-off wait.
 */
export function worstCaseSeconds(options: Pick<ResolvedActivationScriptOptions, "maxAttempts" | "retryDelaySeconds">): number {
    const waits = retryDelays(options).reduce((sum, d) => sum + d, 0);
    return clockSyncWorstSeconds() + options.maxAttempts * (TOOL_SECONDS.ato + clockSyncWorstSeconds()) + waits + TOOL_SECONDS.rest;
}
