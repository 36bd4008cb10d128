/**
 * Building blocks shared by the parts of the activation script: where Windows' own tools are,
 * and how the script calls them.
 *
 * The script runs as SYSTEM from folders an ordinary user may be able to write (TAT starts it in
 * `C:\Windows\Temp`), and cmd.exe runs a bare command name from the current directory before
 * `PATH`. So the script changes to `%SystemRoot%\System32` first and calls every tool by its full
 * path: a look-alike `reg.exe` planted in the working directory is never run. The path is written
 * without quotes (Windows is always installed in a folder without spaces), because a `for /f`
 * command that starts with a quote loses its first and last quote to `cmd /c`.
 */

/** The variable that holds `%SystemRoot%\System32`, set on the script's first lines. */
export const SYSTEM32 = "%SYS%";

/** A Windows tool by full path, e.g. `tool("reg")` -> `%SYS%\reg.exe`. */
export function tool(
    name: "reg" | "find" | "sc" | "net" | "ping" | "cscript" | "w32tm" | "icacls" | "eventcreate",
): string {
    return `${SYSTEM32}\\${name}.exe`;
}

/** wmic, which lives in `wbem` and is missing on some Windows Server 2025 images. */
export const WMIC = `${SYSTEM32}\\wbem\\wmic.exe`;

/** Windows PowerShell (2.0 on 2008 R2, 5.1 from 2016 on). */
export const POWERSHELL = `${SYSTEM32}\\WindowsPowerShell\\v1.0\\powershell.exe`;

/**
 * How the script starts a PowerShell command: the switches by their full names, as PowerShell 2.0's
 * `powershell.exe -?` lists them (the short forms are not documented there, and execution policy does
 * not apply to `-Command` text).
 */
export const POWERSHELL_COMMAND = `${POWERSHELL} -NoProfile -NonInteractive -Command`;

/** `slmgr.vbs`, run by cscript (wscript would open dialogs). */
export const SLMGR = `${tool("cscript")} //nologo ${SYSTEM32}\\slmgr.vbs`;
