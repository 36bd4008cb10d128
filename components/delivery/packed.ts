/**
 * Text that PowerShell carries packed: raw deflate, then base64. A quarter of the size of the
 * batch script, ASCII only (cloudbase-init saves user data without a byte order mark, so
 * PowerShell reads it in the system code page: only ASCII survives), and PowerShell 2.0's
 * .NET 2.0 can inflate it (`DeflateStream`; `Stream.CopyTo` needs .NET 4, hence the loop).
 */
import { deflateRawSync } from "zlib";

/** Bytes as the carriers hold them: raw deflate (level 9), base64. */
export function pack(bytes: Buffer): string {
    return deflateRawSync(bytes, { level: 9 }).toString("base64");
}

/** The PowerShell function that turns a packed literal back into its bytes (returned as one array). */
export const EXPAND_PACKED_FUNCTION =
    "function Expand-Packed([string]$Text) { $z = New-Object IO.Compression.DeflateStream((New-Object IO.MemoryStream(, [Convert]::FromBase64String($Text))), [IO.Compression.CompressionMode]::Decompress); " +
    "$m = New-Object IO.MemoryStream; $buf = New-Object byte[] 4096; while (($n = $z.Read($buf, 0, $buf.Length)) -gt 0) { $m.Write($buf, 0, $n) }; , $m.ToArray() }";

/** A PowerShell expression for the bytes of a packed literal. */
export function expandPacked(bytes: Buffer): string {
    return `(Expand-Packed '${pack(bytes)}')`;
}
