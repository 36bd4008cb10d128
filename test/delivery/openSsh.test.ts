/**
 * The OpenSSH user data's Windows Firewall statements, applied to a model of the NetSecurity
 * cmdlets as Microsoft documents them (PowerShell cannot run here): New-NetFirewallRule fails on a
 * name that exists, Set-NetFirewallRule on one that does not ("Modifies existing firewall rules");
 * a rule New creates without -Enabled/-Profile is enabled on profile Any. Whatever rule the server
 * starts with, the rule must end up enabled, inbound, allowing TCP 22 on every profile.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { OPENSSH_FIREWALL_FAILED, OPENSSH_FIREWALL_RULE, renderOpenSshEnable } from "../../components/delivery/openSsh";

type Rule = Record<string, string>;

/** New-NetFirewallRule's defaults for what the rule does (Microsoft's New-NetFirewallRule page). */
const NEW_DEFAULTS: Rule = {
    Enabled: "True",
    Profile: "Any",
    Direction: "Inbound",
    Action: "Allow",
    Protocol: "Any",
    LocalPort: "Any",
};
/** Parameters that say how a cmdlet runs, not what the rule is. */
const RUN_PARAMETERS = new Set(["Name", "DisplayName", "ErrorAction"]);

/** A cmdlet call's named parameters (`-Name 'x' -Enabled True`). */
function parameters(call: string): Rule {
    const out: Rule = {};
    for (const m of call.matchAll(/-(\w+)(?: ('[^']*'|[^\s'|)}]+))?/g)) {
        out[m[1]] = (m[2] ?? "").replace(/^'|'$/g, "");
    }
    return out;
}

/** What the rule's settings become after `call` (one New- or Set-NetFirewallRule), or the cmdlet's error. */
function apply(call: string, rules: Map<string, Rule>): void {
    const m = /^(New|Set)-NetFirewallRule (.*?)(?: \| Out-Null)?$/.exec(call.trim());
    assert.ok(m !== null, `not a firewall rule call: ${call}`);
    const p = parameters(m[2]);
    const name = p.Name;
    const settings = Object.fromEntries(Object.entries(p).filter(([k]) => !RUN_PARAMETERS.has(k)));
    if (m[1] === "New") {
        if (rules.has(name)) {
            throw new Error(`New-NetFirewallRule: a rule named ${name} already exists`);
        }
        rules.set(name, { ...NEW_DEFAULTS, ...settings });
    } else {
        const rule = rules.get(name);
        if (rule === undefined) {
            throw new Error(`Set-NetFirewallRule: no rule named ${name}`);
        }
        rules.set(name, { ...rule, ...settings });
    }
}

/**
 * Runs the firewall statements of the OpenSSH user data against `rules`: lines that call
 * New-/Set-NetFirewallRule, each either bare or guarded by `if (-not (Get-NetFirewallRule -Name ...)) { ... }`,
 * inside the user data's try/catch (an error ends the block and prints the catch's message).
 */
function runFirewall(text: string, rules: Map<string, Rule>): string | undefined {
    const lines = text.split("\n").filter((l) => l.includes("NetFirewallRule"));
    assert.ok(lines.length > 0, "the OpenSSH user data touches no firewall rule");
    try {
        for (const line of lines) {
            const guarded = /^\s*if \(-not \(Get-NetFirewallRule -Name '([^']+)'[^)]*\)\) \{ (.*) \}$/.exec(line);
            if (guarded !== null) {
                if (!rules.has(guarded[1])) {
                    apply(guarded[2], rules);
                }
            } else {
                apply(line, rules);
            }
        }
        return undefined;
    } catch (e) {
        return (e as Error).message;
    }
}

/** What the rule must be afterwards, whatever it was. */
const OPEN: Rule = {
    Enabled: "True",
    Profile: "Any",
    Direction: "Inbound",
    Action: "Allow",
    Protocol: "TCP",
    LocalPort: "22",
};

const STARTS: [string, Rule | undefined][] = [
    ["no rule (2019/2022 before setup made one, or someone deleted it)", undefined],
    ["Windows Server 2025's built-in rule: Domain and Private profiles only", { ...OPEN, Profile: "Domain,Private" }],
    ["a disabled rule", { ...OPEN, Enabled: "False" }],
    [
        "a rule someone narrowed to another port, outbound, blocking",
        { ...OPEN, Direction: "Outbound", Action: "Block", LocalPort: "2222", Profile: "Public" },
    ],
    ["the rule as setup makes it on 2019/2022", { ...OPEN }],
];

for (const [name, start] of STARTS) {
    test(`the firewall rule ends up enabled for inbound TCP 22 on every profile, from ${name}`, () => {
        const rules = new Map<string, Rule>(start === undefined ? [] : [[OPENSSH_FIREWALL_RULE, { ...start }]]);
        const error = runFirewall(renderOpenSshEnable(), rules);
        assert.equal(error, undefined);
        const rule = rules.get(OPENSSH_FIREWALL_RULE);
        assert.ok(rule !== undefined, "no rule");
        for (const [key, value] of Object.entries(OPEN)) {
            assert.equal(rule[key], value, key);
        }
    });
}

test("a firewall cmdlet's failure is reported in the output, naming the rule, and does not stop the user data", () => {
    const text = renderOpenSshEnable();
    const firewall = text.slice(text.indexOf("try {\n"));
    assert.match(firewall, /^try \{\n[\s\S]*\n\} catch \{ '(.*)' \+ \$_ \}$/);
    assert.ok(firewall.endsWith(`} catch { '${OPENSSH_FIREWALL_FAILED}' + $_ }`));
    assert.ok(OPENSSH_FIREWALL_FAILED.includes(OPENSSH_FIREWALL_RULE));
    for (const line of firewall.split("\n").filter((l) => /(New|Set)-NetFirewallRule/.test(l))) {
        assert.match(line, /-ErrorAction Stop/, "a failure reaches the catch");
    }
});

test("the model refuses what the cmdlets refuse (so a passing run means something)", () => {
    const rules = new Map<string, Rule>([[OPENSSH_FIREWALL_RULE, { ...OPEN }]]);
    assert.match(
        runFirewall(`New-NetFirewallRule -Name '${OPENSSH_FIREWALL_RULE}' -DisplayName 'x'`, rules) ?? "",
        /already exists/,
    );
    assert.match(
        runFirewall(`Set-NetFirewallRule -Name 'missing' -Enabled True`, new Map()) ?? "",
        /no rule named missing/,
    );
    // The statements before this change: the rule is created only when missing, so 2025's stays Domain,Private.
    const before = [
        `if (-not (Get-NetFirewallRule -Name '${OPENSSH_FIREWALL_RULE}' -ErrorAction SilentlyContinue)) { New-NetFirewallRule -Name '${OPENSSH_FIREWALL_RULE}' -DisplayName 'OpenSSH Server (sshd)' -Enabled True -Direction Inbound -Protocol TCP -Action Allow -LocalPort 22 | Out-Null }`,
    ].join("\n");
    const server2025 = new Map<string, Rule>([[OPENSSH_FIREWALL_RULE, { ...OPEN, Profile: "Domain,Private" }]]);
    assert.equal(runFirewall(before, server2025), undefined);
    assert.equal(server2025.get(OPENSSH_FIREWALL_RULE)!.Profile, "Domain,Private");
});
