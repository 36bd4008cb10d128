/**
 * Windows user data in the form Tencent documents (`<powershell>...</powershell>`), run once at
 * first boot by cloudbase-init as LocalSystem: it can turn on OpenSSH, carry the activation
 * script, and run the user's own first-boot PowerShell after the activation. The provider
 * base64-encodes it (`userDataRaw`).
 */
import { SERVER_DIR } from "../activation/script";
import { ArgumentError } from "../validation";
import { renderCarrier } from "./carrier";
import { EXPAND_PACKED_FUNCTION, expandPacked } from "./packed";
import { renderOpenSshEnable } from "./openSsh";

/**
 * Tencent's limit on user data. Its texts say 16 KB but disagree on whether that counts before or
 * after base64; the stricter reading, 16,384 bytes of base64, allows 12,288 bytes before it.
 */
export const USER_DATA_LIMIT_BYTES = 12 * 1024;

/** Where user data delivery records that the user's first-boot PowerShell has run. */
export const FIRST_BOOT_DONE_PATH = `${SERVER_DIR}\\first-boot.done`;

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
 * PowerShell that runs the user's code: carried packed (`packed.ts`) from its UTF-8 text, so any
 * text survives and it takes about a third of its size. Errors are written to the output
 * (cloudbase-init's log) and do not change the user data's exit code. With `once`, a marker in
 * the server folder keeps a later cloudbase-init run (after a transient activation failure) from
 * running it again.
 */
function renderFirstBoot(code: string, once: boolean): string {
    const run = `try { & ([ScriptBlock]::Create([Text.Encoding]::UTF8.GetString(${expandPacked(Buffer.from(code, "utf8"))})))${
        once ? `; $null = New-Item -ItemType File -Path '${FIRST_BOOT_DONE_PATH}' -Force` : ""
    } } catch { 'firstBootPowerShell failed: ' + $_ }`;
    return once ? `if (-not (Test-Path -LiteralPath '${FIRST_BOOT_DONE_PATH}')) { ${run} }` : run;
}

/**
 * Renders the user data, or undefined when there is nothing to do. Throws an ArgumentError naming
 * `firstBootPowerShell` (or `activation`, without it) when the total would exceed {@link USER_DATA_LIMIT_BYTES}.
 */
export function renderUserData(parts: UserDataParts): string | undefined {
    const sections: string[] = [];
    if (parts.enableOpenSsh) {
        sections.push(renderOpenSshEnable());
    }
    const own = parts.firstBootPowerShell === undefined ? undefined : renderFirstBoot(parts.firstBootPowerShell, parts.activationScript !== undefined);
    if (parts.activationScript !== undefined) {
        sections.push(renderCarrier(parts.activationScript, "userData", "", own));
    } else if (own !== undefined) {
        sections.push(EXPAND_PACKED_FUNCTION, own);
    }
    if (sections.length === 0) {
        return undefined;
    }
    const userData = ["<powershell>", ...sections, "</powershell>", ""].join("\n");
    const bytes = Buffer.byteLength(userData, "utf8");
    if (bytes > USER_DATA_LIMIT_BYTES) {
        const rest = own === undefined ? bytes : Buffer.byteLength(renderUserData({ ...parts, firstBootPowerShell: undefined }) ?? "", "utf8");
        throw new ArgumentError(
            own === undefined ? "activation" : "firstBootPowerShell",
            `makes the user data ${bytes} bytes, over Tencent's limit of ${USER_DATA_LIMIT_BYTES} (16 KB once base64-encoded): ` +
                (own === undefined
                    ? "use fewer or shorter KMS hosts and NTP servers"
                    : `the rest of the user data takes ${rest} bytes and leaves ${USER_DATA_LIMIT_BYTES - rest} for your first-boot PowerShell, ` +
                      `which takes ${bytes - rest} once packed (deflated, then base64), with about 330 bytes to run it`),
        );
    }
    return userData;
}

/** How many bytes of packed `firstBootPowerShell` (deflated: typical PowerShell shrinks to a third) fit next to the rest of the user data (`parts` without it). */
export function firstBootCapacity(parts: Omit<UserDataParts, "firstBootPowerShell">): number {
    const emptyCode = renderUserData({ ...parts, firstBootPowerShell: "" })!;
    const left = USER_DATA_LIMIT_BYTES - Buffer.byteLength(emptyCode, "utf8");
    // base64 takes 4 bytes for every 3.
    return Math.max(0, Math.floor(left / 4) * 3);
}
