/**
 * The static PowerShell 2.0 check. PowerShell cannot run here, so every PowerShell text the library
 * renders is read with a small tokenizer (enough for the subset the library writes: no here-strings,
 * no comments) and everything it uses is looked up in the table `test/delivery/POWERSHELL2.md`, whose
 * every row names its source (Microsoft's PowerShell 2.0 help, `powershell.exe -?` of 2.0, the .NET
 * Framework 2.0-3.5 class library reference). A text that uses anything the table lacks, or a
 * cmdlet parameter the cmdlet's 2.0 help does not list, fails the check.
 *
 * What is read as what:
 * - a bareword at the start of a pipeline element is a command: a cmdlet (in the table), a function
 *   the text defines itself, or `&` with a path; in a command, `-Name` is a parameter of that command
 *   (of `powershell.exe`'s switches when the path ends so), elsewhere an operator;
 * - `[Type]` and `New-Object Type` name .NET types; `[Type]::Member` a static member of that type;
 *   `.Member` after a value an instance member (looked up among all the table's instance members,
 *   since the tokenizer does not know the value's type);
 * - a variable read but never assigned (by `=`, `foreach`, or a function's parameter list) must be
 *   an automatic or preference variable of 2.0; keywords must be 2.0 keywords.
 * Strings are skipped (their content is data), except that a double-quoted string's `$name` is read.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** What the table allows. */
export interface Ps2Table {
    /** Cmdlet name (lower case) -> its parameters (lower case), with the common parameters. */
    cmdlets: Map<string, Set<string>>;
    /** powershell.exe switches (lower case, without the dash). */
    switches: Set<string>;
    /** .NET type (lower case, full name and every accepted short form) -> static members (lower case). */
    types: Map<string, Set<string>>;
    /** Instance members of every listed type (lower case). */
    instanceMembers: Set<string>;
    /** Operators (lower case, without the dash). */
    operators: Set<string>;
    /** Keywords (lower case). */
    keywords: Set<string>;
    /** Automatic and preference variables (lower case, without `$`). */
    variables: Set<string>;
}

const TABLE_PATH = path.join(__dirname, "..", "delivery", "POWERSHELL2.md");

/** Rows of the markdown table that follows the heading `## <title>`: its cells, header and rule skipped. */
function tableRows(markdown: string, title: string): string[][] {
    const lines = markdown.split("\n");
    const at = lines.indexOf(`## ${title}`);
    if (at < 0) {
        throw new Error(`POWERSHELL2.md has no section '${title}'`);
    }
    const rows: string[][] = [];
    for (const line of lines.slice(at + 1)) {
        if (line.startsWith("## ")) {
            break;
        }
        if (line.startsWith("|")) {
            rows.push(
                line
                    .split("|")
                    .slice(1, -1)
                    .map((c) => c.trim()),
            );
        }
    }
    const body = rows.slice(2);
    for (const row of body) {
        if (!/\S/.test(row[row.length - 1] ?? "")) {
            throw new Error(`POWERSHELL2.md, section '${title}': the row '${row[0]}' names no source`);
        }
    }
    return body;
}

/** The words of a cell: `a`, `b` and `c` out of "`a`, `b`, `c`". */
function words(cell: string): string[] {
    return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1].toLowerCase());
}

/**
 * Reads the table: the PowerShell 2.0 rows, and with `server2019` also the cmdlets that come with later
 * Windows versions (for text that only runs there: the OpenSSH user data).
 */
export function readPs2Table(
    options: { server2019?: boolean } = {},
    markdown = fs.readFileSync(TABLE_PATH, "utf8"),
): Ps2Table {
    const common = new Set(tableRows(markdown, "Common parameters").flatMap((r) => words(r[0])));
    const cmdlets = new Map<string, Set<string>>();
    for (const [name, params, available] of tableRows(markdown, "Cmdlets")) {
        if (available === "PowerShell 2.0" || options.server2019) {
            cmdlets.set(words(name)[0], new Set([...words(params), ...common]));
        }
    }
    const types = new Map<string, Set<string>>();
    const instanceMembers = new Set<string>();
    for (const [names, statics, instance] of tableRows(markdown, ".NET types and members")) {
        const s = new Set(words(statics));
        for (const n of words(names)) {
            types.set(n, s);
        }
        words(instance).forEach((m) => instanceMembers.add(m));
    }
    const flat = (title: string) => new Set(tableRows(markdown, title).flatMap((r) => words(r[0])));
    return {
        cmdlets,
        switches: new Set([...flat("powershell.exe switches")].map((s) => s.replace(/^-/, ""))),
        types,
        instanceMembers,
        operators: new Set([...flat("Operators")].map((s) => s.replace(/^-/, ""))),
        keywords: flat("Keywords"),
        variables: new Set([...flat("Automatic and preference variables")].map((s) => s.replace(/^\$/, ""))),
    };
}

type Token =
    | { kind: "word"; text: string }
    | { kind: "param"; text: string }
    | { kind: "var"; text: string }
    | { kind: "type"; text: string }
    | { kind: "static"; text: string }
    | { kind: "member"; text: string }
    | { kind: "string"; text: string }
    | { kind: "number"; text: string }
    | { kind: "open" | "close"; text: string }
    | { kind: "end"; text: string }
    | { kind: "op"; text: string };

/** Splits PowerShell text into tokens (the library's subset). Throws on what it cannot read. */
function tokenize(text: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    const prev = () => tokens[tokens.length - 1];
    /** True when the previous token ends a value (so `.x` is a member and `[` an index). */
    const afterValue = () => {
        const p = prev();
        return (
            p !== undefined &&
            (p.kind === "var" ||
                p.kind === "type" ||
                p.kind === "member" ||
                p.kind === "static" ||
                p.kind === "string" ||
                (p.kind === "close" && p.text !== "}"))
        );
    };
    while (i < text.length) {
        const c = text[i];
        const rest = text.slice(i);
        let m: RegExpMatchArray | null;
        if (c === " " || c === "\t" || c === "\r") {
            i++;
        } else if (c === "\n" || c === ";") {
            tokens.push({ kind: "end", text: c });
            i++;
        } else if (c === "#") {
            throw new Error(`a comment at ${i}: the checker does not read comments`);
        } else if (c === "'") {
            let j = i + 1;
            for (; j < text.length; j++) {
                if (text[j] === "'" && text[j + 1] === "'") {
                    j++;
                } else if (text[j] === "'") {
                    break;
                }
            }
            if (j >= text.length) {
                throw new Error(`an unterminated string at ${i}`);
            }
            tokens.push({ kind: "string", text: text.slice(i + 1, j) });
            i = j + 1;
        } else if (c === '"') {
            const j = text.indexOf('"', i + 1);
            if (j < 0) {
                throw new Error(`an unterminated string at ${i}`);
            }
            const inner = text.slice(i + 1, j);
            if (inner.includes("$(") || inner.includes("`")) {
                throw new Error(
                    `a subexpression or escape in a double-quoted string at ${i}: the checker does not read them`,
                );
            }
            tokens.push({ kind: "string", text: inner });
            // Variables a double-quoted string expands are read like any other.
            for (const v of inner.matchAll(/\$(\w+(?::\w+)?)/g)) {
                tokens.push({ kind: "var", text: v[1] });
                tokens.push({ kind: "string", text: "" });
            }
            i = j + 1;
        } else if ((m = rest.match(/^\$(\w+(?::\w+)?)/))) {
            tokens.push({ kind: "var", text: m[1] });
            i += m[0].length;
        } else if (c === "[" && !afterValue() && (m = rest.match(/^\[([A-Za-z][\w.]*(?:\[\])?)\]/))) {
            tokens.push({ kind: "type", text: m[1] });
            i += m[0].length;
        } else if ((m = rest.match(/^::(\w+)/))) {
            tokens.push({ kind: "static", text: m[1] });
            i += m[0].length;
        } else if (c === "." && afterValue() && (m = rest.match(/^\.(\w+)/))) {
            tokens.push({ kind: "member", text: m[1] });
            i += m[0].length;
        } else if (
            (m = rest.match(/^-([A-Za-z]+)(:?)/)) &&
            !(prev()?.kind === "word" && /\w$/.test(text[i - 1] ?? ""))
        ) {
            tokens.push({ kind: "param", text: m[1] });
            i += m[0].length;
        } else if ((m = rest.match(/^\d+(?:\.\d+)?/))) {
            tokens.push({ kind: "number", text: m[0] });
            i += m[0].length;
        } else if ((m = rest.match(/^[A-Za-z][\w.~-]*(?:\[\])?/))) {
            tokens.push({ kind: "word", text: m[0] });
            i += m[0].length;
        } else if (c === "@" && (text[i + 1] === "(" || text[i + 1] === "{")) {
            tokens.push({ kind: "open", text: "@" + text[i + 1] });
            i += 2;
        } else if ("({[".includes(c)) {
            tokens.push({ kind: "open", text: c });
            i++;
        } else if (")}]".includes(c)) {
            tokens.push({ kind: "close", text: c });
            i++;
        } else if ((m = rest.match(/^(?:\|\||&&|[=+*/%!,|&<>.-])/))) {
            tokens.push({ kind: "op", text: m[0] });
            i += m[0].length;
        } else {
            throw new Error(`cannot read ${JSON.stringify(rest.slice(0, 20))} at ${i}`);
        }
    }
    return tokens;
}

/** One use of something the table must have: what it is, and where. */
export interface Ps2Use {
    kind:
        | "cmdlet"
        | "parameter"
        | "switch"
        | "type"
        | "static member"
        | "instance member"
        | "operator"
        | "keyword"
        | "variable"
        | "command";
    name: string;
    /** The cmdlet (parameters) or type (static members) it belongs to. */
    of?: string;
}

/** Keywords the library may use as statements (PowerShell 2.0's about_Language_Keywords). */
const STATEMENT_WORDS = new Set([
    "function",
    "if",
    "elseif",
    "else",
    "foreach",
    "in",
    "while",
    "for",
    "try",
    "catch",
    "finally",
    "return",
    "throw",
    "exit",
    "break",
    "continue",
    "do",
    "until",
    "switch",
    "param",
    "trap",
    "begin",
    "process",
    "end",
    "filter",
    "class",
    "using",
    "enum",
    "data",
    "dynamicparam",
    "workflow",
    "parallel",
    "sequence",
    "inlinescript",
    "configuration",
    "hidden",
    "static",
    "base",
]);

/** Everything `text` uses that the table must have. */
export function uses(text: string): Ps2Use[] {
    const tokens = tokenize(text);
    const found: Ps2Use[] = [];
    const defined = new Set<string>();
    // Functions the text defines, and the variables it assigns (or takes as parameters).
    const assigned = new Set<string>();
    tokens.forEach((t, k) => {
        if (t.kind === "word" && t.text.toLowerCase() === "function" && tokens[k + 1]?.kind === "word") {
            defined.add(tokens[k + 1].text.toLowerCase());
            // Its parameter list: `function Name(<params>)`.
            if (tokens[k + 2]?.text === "(") {
                for (let j = k + 3; j < tokens.length && tokens[j].text !== ")"; j++) {
                    if (tokens[j].kind === "var") {
                        assigned.add(tokens[j].text.toLowerCase());
                    }
                }
            }
        }
        if (t.kind === "var" && tokens[k + 1]?.kind === "op" && tokens[k + 1].text === "=") {
            assigned.add(t.text.toLowerCase());
        }
        if (
            t.kind === "word" &&
            t.text.toLowerCase() === "foreach" &&
            tokens[k + 1]?.text === "(" &&
            tokens[k + 2]?.kind === "var"
        ) {
            assigned.add(tokens[k + 2].text.toLowerCase());
        }
    });
    /**
     * Per nesting level: the command that owns the current pipeline element
     * (undefined in expression mode), and whether the level is a hashtable literal.
     */
    const stack: { owner: string | undefined; hash: boolean }[] = [{ owner: undefined, hash: false }];
    let atStart = true;
    for (let k = 0; k < tokens.length; k++) {
        const t = tokens[k];
        const level = stack[stack.length - 1];
        switch (t.kind) {
            case "end":
                level.owner = undefined;
                // A hashtable's entries start with a key, not a command.
                atStart = !level.hash;
                continue;
            case "open":
                stack.push({ owner: undefined, hash: t.text === "@{" });
                atStart = t.text !== "[" && t.text !== "@{";
                continue;
            case "close":
                if (stack.length > 1) {
                    stack.pop();
                }
                atStart = false;
                continue;
            case "op":
                if (t.text === "|" || t.text === "=") {
                    // A pipeline element, or the value of an assignment, may start with a command.
                    level.owner = undefined;
                    atStart = true;
                } else if ((t.text === "&" || t.text === ".") && atStart) {
                    // `& <path>`: a native command (its path is the next token); `. (...)`: dot-sourcing.
                    const target = tokens[k + 1];
                    if (t.text === "&") {
                        level.owner =
                            target?.kind === "string" && /powershell\.exe$/i.test(target.text)
                                ? "powershell.exe"
                                : "native";
                        found.push({ kind: "command", name: level.owner });
                        k++;
                        atStart = false;
                    }
                } else if (t.text === "&&" || t.text === "||") {
                    found.push({ kind: "operator", name: t.text });
                    atStart = false;
                } else {
                    atStart = false;
                }
                continue;
            case "word": {
                const w = t.text.toLowerCase();
                if (STATEMENT_WORDS.has(w) && (atStart || ["in", "else", "elseif", "catch", "finally"].includes(w))) {
                    found.push({ kind: "keyword", name: w });
                    if (w === "function") {
                        k++;
                    }
                    // What follows a keyword may be a pipeline (`return Get-X`, `foreach ($x in Get-X)`).
                    atStart = true;
                    continue;
                }
                if (atStart) {
                    level.owner = w;
                    if (!defined.has(w)) {
                        found.push({ kind: "cmdlet", name: w });
                    }
                    atStart = false;
                    // New-Object's type is its first argument (a bareword).
                    if (w === "new-object" && tokens[k + 1]?.kind === "word") {
                        found.push({ kind: "type", name: tokens[k + 1].text });
                        k++;
                    }
                }
                continue;
            }
            case "param": {
                const owner = level.owner;
                if (owner === "powershell.exe") {
                    found.push({ kind: "switch", name: t.text });
                } else if (owner === "native") {
                    // A native program's own arguments.
                } else if (owner !== undefined && !defined.has(owner)) {
                    found.push({ kind: "parameter", name: t.text, of: owner });
                } else {
                    found.push({ kind: "operator", name: t.text });
                }
                atStart = false;
                continue;
            }
            case "var":
                if (!assigned.has(t.text.toLowerCase()) && !/^env:/i.test(t.text)) {
                    found.push({ kind: "variable", name: t.text });
                }
                atStart = false;
                continue;
            case "type": {
                found.push({ kind: "type", name: t.text });
                const next = tokens[k + 1];
                if (next?.kind === "static") {
                    found.push({ kind: "static member", name: next.text, of: t.text });
                    k++;
                }
                atStart = false;
                continue;
            }
            case "member":
                found.push({ kind: "instance member", name: t.text });
                atStart = false;
                continue;
            case "static":
                throw new Error(`a static member '::${t.text}' of something that is not a type literal`);
            default:
                atStart = false;
        }
    }
    return found;
}

/** Lower-cased type name as the table keys it (`System.` dropped, as PowerShell allows). */
function typeKey(name: string): string {
    return name.toLowerCase().replace(/^system\./, "");
}

/** What `text` uses that the table does not allow, one message each (empty when it passes). */
export function ps2Violations(text: string, table: Ps2Table = readPs2Table()): string[] {
    const bad = new Set<string>();
    for (const u of uses(text)) {
        const name = u.name.toLowerCase();
        const ok =
            u.kind === "cmdlet"
                ? table.cmdlets.has(name)
                : u.kind === "parameter"
                  ? table.cmdlets.get(u.of!)?.has(name) === true
                  : u.kind === "switch"
                    ? table.switches.has(name)
                    : u.kind === "type"
                      ? table.types.has(typeKey(name))
                      : u.kind === "static member"
                        ? table.types.get(typeKey(u.of!))?.has(name) === true
                        : u.kind === "instance member"
                          ? table.instanceMembers.has(name)
                          : u.kind === "operator"
                            ? table.operators.has(name)
                            : u.kind === "keyword"
                              ? table.keywords.has(name)
                              : u.kind === "variable"
                                ? table.variables.has(name)
                                : true;
        if (!ok) {
            bad.add(
                `${u.kind} ${u.of ? `${u.of} ` : ""}${u.kind === "parameter" || u.kind === "switch" || u.kind === "operator" ? "-" : ""}${u.name}`,
            );
        }
    }
    return [...bad];
}

/**
 * The PowerShell a batch script starts: for each `powershell.exe` call, a line with the call's
 * switches (as `& 'powershell.exe' -Switch ...`) and, for `-Command "<text>"`, the text itself.
 */
export function powershellInBatch(batch: string): string[] {
    const texts: string[] = [];
    for (const m of batch.matchAll(/powershell\.exe((?: -[A-Za-z]+(?: (?!-)[^ "]+)?)*) -(\w+) "([^"]*)"/gi)) {
        texts.push(`& 'powershell.exe'${m[1]} -${m[2]} ''`, m[3]);
    }
    for (const m of batch.matchAll(/powershell\.exe((?: -[A-Za-z]+(?: (?!-)[^ "&]+)?)*)(?: &|$)/gim)) {
        texts.push(`& 'powershell.exe'${m[1]}`);
    }
    return texts;
}
