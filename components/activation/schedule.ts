/**
 * The activation script's retry schedule, computed the same way the script computes it, and the
 * worst-case time one run can take: the TAT command timeout and the invocation's create timeout
 * are sized from it, within the range TAT accepts.
 */
import type { ResolvedActivationScriptOptions } from "./options";

/** Tries of `w32tm /resync` in one clock sync. */
export const RESYNC_TRIES = 3;
/** Seconds between two `w32tm /resync` tries. */
export const RESYNC_PAUSE_SECONDS = 5;
/** The back-off stops doubling at this multiple of `retryDelaySeconds`. */
export const MAX_DELAY_FACTOR = 8;

/** How the status read is retried when WMI gives no answer (it can still be starting at first boot). */
export const STATUS_READ = { tries: 3, pauseSeconds: 10 } as const;

/** How `activate.cmd /check` waits for the first-boot run to start: up to tries x pauseSeconds. */
export const CHECK_WAIT = { tries: 80, pauseSeconds: 15 } as const;

/** Seconds added to a run's worst case for its TAT command timeout (and again for the invocation's create timeout). */
export const TAT_TIMEOUT_MARGIN_SECONDS = 300;

/**
 * The longest TAT command timeout Tencent accepts, in seconds: CreateCommand's `Timeout` takes 1 to 86400
 * (Tencent's CreateCommand API document; terraform-provider-tencentcloud
 * 1.83.25, `resource_tc_tat_command.go`, `timeout`).
 */
export const TAT_TIMEOUT_MAX_SECONDS = 86400;

/** Generous upper bounds for one call of each slow tool (seconds); Windows gives no hard limit. */
export const TOOL_SECONDS = {
    /** `slmgr -ato` against a host that does not answer (DNS, then TCP connect time-outs). */
    ato: 90,
    /** One `w32tm /resync /rediscover`. */
    resync: 30,
    /** One `w32tm /stripchart /samples:1` against a server that does not answer. */
    stripchart: 15,
    /** One status query (wmic, or PowerShell's Get-WmiObject). */
    statusQuery: 15,
    /**
     * The read-only diagnosis after a failure: one PowerShell call that, for each of up to 5 KMS hosts,
     * resolves the name (Windows' resolver gives up within about 15 s) and tries the port (3 s); one
     * stripchart (15 s); six `sc` queries. 5 x 18 + 15 + 6, rounded up.
     */
    diagnosis: 120,
    /** Everything else in one run: service starts, registry, the correction limits, -skms, -ipk, the event. */
    rest: 60,
} as const;

/** The waits (seconds) the script makes between `-ato` attempts: one fewer than `maxAttempts`. */
export function retryDelays(
    options: Pick<ResolvedActivationScriptOptions, "maxAttempts" | "retryDelaySeconds">,
): number[] {
    const cap = options.retryDelaySeconds * MAX_DELAY_FACTOR;
    const delays: number[] = [];
    let delay = options.retryDelaySeconds;
    for (let i = 1; i < options.maxAttempts; i++) {
        delays.push(delay);
        delay = Math.min(delay * 2, cap);
    }
    return delays;
}

/** Worst-case seconds of one clock sync: no try confirms the clock. */
export function clockSyncWorstSeconds(): number {
    return RESYNC_TRIES * (TOOL_SECONDS.resync + TOOL_SECONDS.stripchart) + (RESYNC_TRIES - 1) * RESYNC_PAUSE_SECONDS;
}

/** Worst-case seconds of one status read: every try asks wmic and PowerShell, with and without the family filter. */
export function statusReadWorstSeconds(): number {
    return STATUS_READ.tries * 4 * TOOL_SECONDS.statusQuery + (STATUS_READ.tries - 1) * STATUS_READ.pauseSeconds;
}

/** Worst-case seconds of the domain-membership read before the first clock sync: wmic, then PowerShell. */
function domainMemberWorstSeconds(): number {
    return 2 * TOOL_SECONDS.statusQuery;
}

/**
 * Worst-case seconds of one script run: the first status read, the domain-membership read and the clock sync, then
 * every attempt timing out and being followed by a full clock sync and a status read, plus every back-off wait
 * and the diagnosis of the failure.
 */
export function worstCaseSeconds(
    options: Pick<ResolvedActivationScriptOptions, "maxAttempts" | "retryDelaySeconds">,
): number {
    const waits = retryDelays(options).reduce((sum, d) => sum + d, 0);
    const perAttempt = TOOL_SECONDS.ato + clockSyncWorstSeconds() + statusReadWorstSeconds();
    return (
        statusReadWorstSeconds() +
        domainMemberWorstSeconds() +
        clockSyncWorstSeconds() +
        options.maxAttempts * perAttempt +
        waits +
        TOOL_SECONDS.diagnosis +
        TOOL_SECONDS.rest
    );
}

/**
 * Worst-case seconds of `activate.cmd /diagnose`: one status
 * read, the diagnosis and the rest; it never activates or syncs.
 */
export function diagnoseWorstCaseSeconds(): number {
    return statusReadWorstSeconds() + TOOL_SECONDS.diagnosis + TOOL_SECONDS.rest;
}

/**
 * Worst-case seconds of `activate.cmd /check` (verifyWithTat): it waits up to {@link CHECK_WAIT} for the
 * first-boot run to start, then, while that run holds its lock, up to that run's worst case.
 */
export function checkWorstCaseSeconds(
    options: Pick<ResolvedActivationScriptOptions, "maxAttempts" | "retryDelaySeconds">,
): number {
    return CHECK_WAIT.tries * CHECK_WAIT.pauseSeconds + worstCaseSeconds(options);
}
