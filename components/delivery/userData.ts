/**
 * Windows user data in the form Tencent documents (`<powershell>...</powershell>`), run once at
 * first boot by cloudbase-init as LocalSystem: it can turn on OpenSSH, carry the activation
 * script, and run the user's own first-boot PowerShell after the activation. The provider
 * base64-encodes it (`userDataRaw`).
 *
 * To fit Tencent's limit it is a short loader: `Expand-Packed`, one packed literal (`$u`) holding
 * the statements themselves (OpenSSH, the carrier body), a NUL byte and the script's bytes (packed
 * together, they share one deflate window), the packed user code (`$f`), and the line that
 * dot-sources the statements, so they run exactly as if they stood in the user data; their first
 * statement takes the script's bytes after the NUL into `$s`.
 */
import { SERVER_DIR } from "../activation/script";
import { ArgumentError } from "../validation";
import { checkScript, renderCarrierBody, renderFolderCarrierBody } from "./carrier";
import { EXPAND_PACKED_FUNCTION, expandPacked } from "./packed";
import { renderOpenSshEnable } from "./openSsh";

/**
 * Tencent's limit on user data. Its texts say 16 KB but disagree on whether that counts before or
 * after base64; the stricter reading, 16,384 bytes of base64, allows 12,288 bytes before it.
 */
export const USER_DATA_LIMIT_BYTES = 12 * 1024;

/** Where user data delivery records that the user's first-boot PowerShell has run. */
const FIRST_BOOT_DONE_PATH = `${SERVER_DIR}\\first-boot.done`;

/** What the first-boot user data does. */
export interface UserDataParts {
    /** The activation script to write and run, if user data is the delivery. */
    activationScript?: string;
    /** Turn on the OpenSSH server first (SSH delivery). */
    enableOpenSsh?: boolean;
    /** The user's own PowerShell, run after the activation step. */
    firstBootPowerShell?: string;
}

/**
 * Where the user's first-boot PowerShell is written (UTF-8 with a
 * byte order mark, so PowerShell 2.0 reads it as UTF-8) and run from.
 */
const FIRST_BOOT_SCRIPT_PATH = `${SERVER_DIR}\\first-boot.ps1`;

/** How the user's code is started: the 64-bit Windows PowerShell, a process of its own, with PowerShell's defaults. */
export const FIRST_BOOT_RUN = `& "$sys\\WindowsPowerShell\\v1.0\\powershell.exe" -NoProfile -NonInteractive -ExecutionPolicy Bypass -File '${FIRST_BOOT_SCRIPT_PATH}'`;

/**
 * PowerShell that runs the user's code, whose bytes the loader holds in `$f`: written as a script
 * file of its own into the secured server folder and run by a PowerShell process of its own in
 * `System32`, so it gets PowerShell's default error behaviour (`Continue`), and an `exit` in it ends
 * only its own process. Its exit code is written to the output (cloudbase-init's log), as are errors
 * in starting it; neither changes the user data's exit code. The marker (`first-boot.done`) is
 * written just before it starts: it runs at most once, even when cloudbase-init runs the user data
 * again (after a transient activation failure, or a restart from inside the user's code). Needs the
 * carrier's `$sys` and `Write-New`.
 */
function renderFirstBoot(): string {
    return (
        `if (-not (Test-Path -LiteralPath '${FIRST_BOOT_DONE_PATH}')) { try { Write-New '${FIRST_BOOT_DONE_PATH}' (New-Object byte[] 0); ` +
        `Write-New '${FIRST_BOOT_SCRIPT_PATH}' $f; Set-Location -LiteralPath $sys; ${FIRST_BOOT_RUN}; ` +
        "'firstBootPowerShell exited ' + $LASTEXITCODE } catch { 'firstBootPowerShell failed: ' + $_ } }"
    );
}

/**
 * The user's code as its file holds it: UTF-8 with a byte order mark
 * (PowerShell 2.0 reads a file without one in the ANSI code page).
 */
function firstBootBytes(code: string): Buffer {
    return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(code, "utf8")]);
}

/**
 * The loader's statement that runs the statements before the NUL in `$u`, in the
 * loader's scope (dot-sourced: their functions, variables and `exit` are the loader's).
 */
export const RUN_STATEMENTS =
    "$k = [Array]::IndexOf($u, [byte]0); . ([ScriptBlock]::Create([Text.Encoding]::ASCII.GetString($u, 0, $k)))";

/**
 * The statements' first statement when the user data carries the script: its bytes, after the NUL in `$u`, into `$s`.
 */
export const SCRIPT_FROM_LOADER =
    "$s = New-Object byte[] ($u.Length - $k - 1); [Array]::Copy($u, $k + 1, $s, 0, $s.Length)";

/**
 * The statements user data runs, in plain text (what the loader carries packed): OpenSSH first,
 * then the activation carrier (with the user's code after the activation), or only the user's code.
 */
export function renderUserDataBody(parts: UserDataParts): string | undefined {
    const sections: string[] = parts.activationScript === undefined ? [] : [SCRIPT_FROM_LOADER];
    if (parts.enableOpenSsh) {
        sections.push(renderOpenSshEnable());
    }
    const own = parts.firstBootPowerShell === undefined ? undefined : renderFirstBoot();
    if (parts.activationScript !== undefined) {
        sections.push(renderCarrierBody(parts.activationScript, "userData", "", own));
    } else if (own !== undefined) {
        sections.push(renderFolderCarrierBody(own));
    }
    return sections.length === 0 ? undefined : sections.join("\n");
}

/** The user data for `parts` (undefined when there is nothing to do), whatever its size. */
function composeUserData(parts: UserDataParts): string | undefined {
    const body = renderUserDataBody(parts);
    if (body === undefined) {
        return undefined;
    }
    if (parts.activationScript !== undefined) {
        checkScript(parts.activationScript);
    }
    const statements = Buffer.concat([
        Buffer.from(body, "latin1"),
        Buffer.from([0]),
        Buffer.from(parts.activationScript ?? "", "latin1"),
    ]);
    const loader = [
        EXPAND_PACKED_FUNCTION,
        `$u = ${expandPacked(statements)}`,
        ...(parts.firstBootPowerShell === undefined
            ? []
            : [`$f = ${expandPacked(firstBootBytes(parts.firstBootPowerShell))}`]),
        RUN_STATEMENTS,
    ];
    return ["<powershell>", ...loader, "</powershell>", ""].join("\n");
}

/** The size in bytes of the user data for `parts` (0 when there is none). */
function userDataBytes(parts: UserDataParts): number {
    return Buffer.byteLength(composeUserData(parts) ?? "", "utf8");
}

/**
 * Renders the user data, or undefined when there is nothing to do. Throws an ArgumentError naming
 * `firstBootPowerShell` (or `activation`, without it or when the rest alone is too large) when the
 * total would exceed {@link USER_DATA_LIMIT_BYTES}.
 */
export function renderUserData(parts: UserDataParts): string | undefined {
    const userData = composeUserData(parts);
    const bytes = Buffer.byteLength(userData ?? "", "utf8");
    if (bytes <= USER_DATA_LIMIT_BYTES) {
        return userData;
    }
    const rest = userDataBytes({ ...parts, firstBootPowerShell: undefined });
    const run = userDataBytes({ ...parts, firstBootPowerShell: "" }) - rest;
    if (parts.firstBootPowerShell === undefined || rest + run > USER_DATA_LIMIT_BYTES) {
        throw new ArgumentError(
            "activation",
            `makes the user data ${parts.firstBootPowerShell === undefined ? bytes : rest + run} bytes${parts.firstBootPowerShell === undefined ? "" : " before any firstBootPowerShell"}, ` +
                `over Tencent's limit of ${USER_DATA_LIMIT_BYTES} (16 KB once base64-encoded): use fewer or shorter KMS hosts and NTP servers` +
                (parts.firstBootPowerShell === undefined
                    ? ""
                    : ", or delivery 'tat', whose user data carries only your first-boot PowerShell"),
        );
    }
    throw new ArgumentError(
        "firstBootPowerShell",
        `makes the user data ${bytes} bytes, over Tencent's limit of ${USER_DATA_LIMIT_BYTES} (16 KB once base64-encoded): ` +
            `the rest of the user data takes ${rest} bytes and leaves ${USER_DATA_LIMIT_BYTES - rest} for your first-boot PowerShell, ` +
            `which takes ${bytes - rest}: ${run} to run it and ${bytes - rest - run} for your code once packed (deflated, then base 85); ` +
            "delivery 'tat' leaves the whole user data to it",
    );
}

/**
 * How many bytes of packed `firstBootPowerShell` (deflated: typical PowerShell
 * shrinks to a third) fit next to the rest of the user data (`parts` without it).
 */
export function firstBootCapacity(parts: Omit<UserDataParts, "firstBootPowerShell">): number {
    const left = USER_DATA_LIMIT_BYTES - userDataBytes({ ...parts, firstBootPowerShell: "" });
    // Base 85 takes 5 characters for every 4 bytes.
    return Math.max(0, Math.floor(left / 5) * 4);
}
