/**
 * Property-based hostile-input tests (fast-check) of the password and hostname rules: a refusal
 * never contains the value; an accepted value follows the rule.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { WINDOWS_PASSWORD_SPECIALS, requireWindowsHostname, requireWindowsPassword } from "../components/validation";
import { checkRule, hostnameValue, passwordValue } from "./support/hostileInput";

test("requireWindowsPassword: refusals never contain the password; accepted ones follow the rule", () => {
    checkRule(
        "password",
        passwordValue,
        /^password$/,
        (value) => requireWindowsPassword("password", value),
        (value) => {
            assert.ok(typeof value === "string" && value.length >= 12 && value.length <= 30);
            assert.ok(
                [...value].every((c) => /[A-Za-z0-9]/.test(c) || WINDOWS_PASSWORD_SPECIALS.includes(c)),
                `accepted ${JSON.stringify(value)}`,
            );
        },
    );
});

test("requireWindowsHostname: hostile hostnames are refused by name or 2-15 letters, digits, '-'", () => {
    checkRule(
        "hostname",
        hostnameValue,
        /^hostname$/,
        (value) => requireWindowsHostname("hostname", value),
        (value) => {
            assert.ok(
                typeof value === "string" && /^[A-Za-z0-9-]{2,15}$/.test(value) && !/^\d+$/.test(value),
                `accepted ${JSON.stringify(value)}`,
            );
        },
    );
});
