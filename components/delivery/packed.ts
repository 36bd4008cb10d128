/**
 * Text that PowerShell carries packed: raw deflate, then base 85. About a quarter of the size of
 * the batch script, ASCII only (cloudbase-init saves user data without a byte order mark, so
 * PowerShell reads it in the system code page: only ASCII survives), and PowerShell 2.0's .NET 2.0
 * can unpack it (`DeflateStream`; `Stream.CopyTo` needs .NET 4, hence the loop). Base 85 (5
 * characters for 4 bytes) rather than base64 (4 for 3) keeps 6% more of Tencent's 16 KB of user
 * data for the user's own first-boot PowerShell.
 *
 * Each group of 4 bytes is read as a little-endian unsigned 32-bit number and written as 5 digits
 * of {@link PACKED_ALPHABET}, the most significant first; the last group is padded with zero bytes,
 * which the inflater never reads (they follow the deflate stream's final block).
 */
import { deflateRawSync } from "zlib";

/**
 * The 85 digits: the ASCII characters from `(` to `|`, in order (digit = code - 40), except that `<`
 * and `>` are written as `!` and `"`: no `'` (the packed text is a single-quoted PowerShell string),
 * and no `<` or `>` (user data is wrapped in `<powershell>` tags).
 */
export const PACKED_ALPHABET = Array.from({ length: 85 }, (_, i) => String.fromCharCode(40 + i))
    .join("")
    .replace("<", "!")
    .replace(">", '"');

/** Bytes as the carriers hold them: raw deflate (level 9), then base 85. */
export function pack(bytes: Buffer): string {
    const deflated = deflateRawSync(bytes, { level: 9 });
    const padded = Buffer.concat([deflated, Buffer.alloc((4 - (deflated.length % 4)) % 4)]);
    let text = "";
    for (let i = 0; i < padded.length; i += 4) {
        let value = padded.readUInt32LE(i);
        const digits: string[] = [];
        for (let j = 0; j < 5; j++) {
            digits.unshift(PACKED_ALPHABET[value % 85]);
            value = Math.floor(value / 85);
        }
        text += digits.join("");
    }
    return text;
}

/** The PowerShell function that turns a packed literal back into its bytes (returned as one array). */
export const EXPAND_PACKED_FUNCTION =
    "function Expand-Packed([string]$t) { $t = $t.Replace('!', '<').Replace('\"', '>'); $q = New-Object IO.MemoryStream; " +
    "for ($i = 0; $i -lt $t.Length; $i += 5) { $v = [int64]0; for ($j = $i; $j -lt $i + 5; $j++) { $v = $v * 85 + [int]$t[$j] - 40 }; $q.Write([BitConverter]::GetBytes([uint32]$v), 0, 4) }; " +
    "$q.Position = 0; $z = New-Object IO.Compression.DeflateStream($q, [IO.Compression.CompressionMode]::Decompress); " +
    "$m = New-Object IO.MemoryStream; $b = New-Object byte[] 4096; while (($n = $z.Read($b, 0, 4096)) -gt 0) { $m.Write($b, 0, $n) }; , $m.ToArray() }";

/** A PowerShell expression for the bytes of a packed literal. */
export function expandPacked(bytes: Buffer): string {
    return `(Expand-Packed '${pack(bytes)}')`;
}
