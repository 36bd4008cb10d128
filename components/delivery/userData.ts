/**
 * Windows user data in the form Tencent documents (`<powershell>...</powershell>`), run once at
 * first boot by cloudbase-init as LocalSystem. It can turn on OpenSSH and can carry the
 * activation script; the provider base64-encodes it (`userDataRaw`).
 */
import { renderCarrier } from "./carrier";
import { renderOpenSshEnable } from "./openSsh";

/** Tencent's limit on user data, in bytes before base64. */
export const USER_DATA_LIMIT_BYTES = 16 * 1024;

/** What the first-boot user data does. */
export interface UserDataParts {
    /** The activation script to write and run, if user data is the delivery. */
    activationScript?: string;
    /** Turn on the OpenSSH server first (SSH delivery). */
    enableOpenSsh?: boolean;
}

/** Renders the user data, or undefined when there is nothing to do; throws when it would exceed {@link USER_DATA_LIMIT_BYTES}. */
export function renderUserData(parts: UserDataParts): string | undefined {
    const sections: string[] = [];
    if (parts.enableOpenSsh) {
        sections.push(renderOpenSshEnable());
    }
    if (parts.activationScript !== undefined) {
        sections.push(renderCarrier(parts.activationScript, "userData"));
    }
    if (sections.length === 0) {
        return undefined;
    }
    const userData = ["<powershell>", ...sections, "</powershell>", ""].join("\n");
    const bytes = Buffer.byteLength(userData, "utf8");
    if (bytes > USER_DATA_LIMIT_BYTES) {
        throw new Error(`the user data is ${bytes} bytes, over Tencent's ${USER_DATA_LIMIT_BYTES}-byte limit: use fewer fallback hosts or NTP servers, or installKmsClientKey: false`);
    }
    return userData;
}
