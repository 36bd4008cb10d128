import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
    ActivationResultError,
    parseActivationOutput,
    parseBase64ActivationOutput,
} from "../../components/activation/result";
import { activationFailureMessage, readActivationOutput } from "../../components/activation/report";
import { ROOT_CAUSES } from "../../components/activation/rootCauses";

const line = (over: Record<string, unknown> = {}) =>
    JSON.stringify({
        activation: "tencentcloud-windows/2",
        status: "Licensed",
        exitCode: 0,
        licenseStatus: 1,
        kmsHost: "kms.tencentyun.com",
        kmsPort: 1688,
        attempts: 2,
        lastErrorCode: -1073418124,
        errorClass: "kmsUnreachable",
        alreadyLicensed: false,
        clockOffsetSeconds: 3,
        rootCause: "none",
        checks: {},
        osBuild: 9600,
        osVersion: "2012R2",
        edition: "Datacenter",
        ...over,
    });

describe("parseActivationOutput", () => {
    test("a byte-order mark before the output (PowerShell 2.0 under TAT's UTF-8 console) is no part of the line, in text and in base64", () => {
        const bom = "\uFEFF";
        assert.equal(parseActivationOutput(`${bom}${line()}\r\n`).status, "Licensed");
        assert.equal(parseActivationOutput(`${bom}[log] start\r\n${bom}${line({ attempts: 3 })}\r\n`).attempts, 3);
        const base64 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${line()}\r\n`)]).toString(
            "base64",
        );
        assert.equal(parseBase64ActivationOutput(base64).licensed, true);
        assert.equal(readActivationOutput(base64, "base64").status, "Licensed");
        assert.equal(readActivationOutput(`${bom}${line()}`, "text").status, "Licensed");
    });

    test("timeSource and checks.vbscript are read when present and absent from lines of earlier scripts", () => {
        assert.equal(parseActivationOutput(line({ timeSource: "domain" })).timeSource, "domain");
        assert.equal(parseActivationOutput(line()).timeSource, undefined);
        assert.throws(() => parseActivationOutput(line({ timeSource: 1 })), /'timeSource'/);
    });

    test("reads the last result line among log lines", () => {
        const r = parseActivationOutput(
            `[log] start\r\n${line({ status: "KmsUnreachable", exitCode: 10, licenseStatus: 5 })}\r\n[log] again\r\n${line()}\r\n`,
        );
        assert.equal(r.status, "Licensed");
        assert.equal(r.licensed, true);
        assert.equal(r.lastErrorHex, "0xC004F074");
        assert.equal(r.attempts, 2);
    });

    test("a failure line is not licensed and carries its meaning", () => {
        const r = parseActivationOutput(
            line({
                status: "KeyRejected",
                exitCode: 20,
                licenseStatus: 0,
                lastErrorCode: -1073418187,
                errorClass: "keyRejected",
            }),
        );
        assert.equal(r.licensed, false);
        assert.equal(r.transient, false);
        assert.equal(r.lastErrorHex, "0xC004F035");
        assert.match(r.meaning, /not retried/);
    });

    test("the clock offset: a number of seconds, or absent when the script printed null", () => {
        assert.equal(parseActivationOutput(line()).clockOffsetSeconds, 3);
        assert.equal(parseActivationOutput(line({ clockOffsetSeconds: null })).clockOffsetSeconds, undefined);
        assert.equal(parseActivationOutput(line({ clockOffsetSeconds: -20000 })).clockOffsetSeconds, -20000);
    });

    test("exit 0 with LicenseStatus other than 1 is not licensed", () => {
        assert.equal(parseActivationOutput(line({ licenseStatus: 5 })).licensed, false);
    });

    test("missing line, garbage, truncation, wrong pairs and wrong types are ActivationResultErrors", () => {
        const bad = [
            "",
            "no result here",
            line().slice(0, -5),
            line({ status: "Licensed", exitCode: 10 }),
            line({ status: "Whatever", exitCode: 0 }),
            line({ licenseStatus: "1" }),
            line({ attempts: 1.5 }),
            line({ clockOffsetSeconds: "3" }),
            line({ clockOffsetSeconds: undefined }),
            line({ activation: "tencentcloud-windows/1" }),
            line({ rootCause: "gremlins" }),
            line({ rootCause: undefined }),
            line({ checks: [] }),
            line({ checks: { kmsHosts: "x", services: {} } }),
            line({ checks: { ...CHECKS, kmsHosts: [{ host: "a", resolves: "yes", port: "open" }] } }),
            '{"activation":"tencentcloud-windows/2"}',
            '{"activation":"tencentcloud-windows/2",[]}',
        ];
        for (const text of bad) {
            assert.throws(() => parseActivationOutput(text), ActivationResultError, text);
        }
        assert.throws(() => parseActivationOutput(undefined), ActivationResultError);
        assert.throws(() => parseActivationOutput("x".repeat(2 * 1024 * 1024)), ActivationResultError);
    });

    test("base64: decodes TAT output; invalid base64 is an ActivationResultError", () => {
        assert.equal(
            parseBase64ActivationOutput(Buffer.from(`log\r\n${line()}\r\n`).toString("base64")).licensed,
            true,
        );
        for (const bad of ["@@@", "abc", 42, Buffer.from("no line").toString("base64")]) {
            assert.throws(() => parseBase64ActivationOutput(bad), ActivationResultError);
        }
    });
});

const CHECKS = {
    kmsHosts: [{ host: "kms.tencentyun.com", resolves: true, port: "closed" }],
    clockOffsetSeconds: 2,
    services: { sppsvc: { start: "auto", state: "stopped" }, w32time: { start: "auto", state: "running" } },
    sppsvcExecutable: "ok",
    channel: "kmsClient",
    graceMinutes: null,
};

describe("root cause and checks", () => {
    test("the diagnosis is read with its shape; {} means no diagnosis", () => {
        const r = parseActivationOutput(
            line({ status: "KmsUnreachable", exitCode: 10, licenseStatus: 5, rootCause: "kmsPort", checks: CHECKS }),
        );
        assert.equal(r.rootCause, "kmsPort");
        assert.equal(r.rootCauseFix, ROOT_CAUSES.kmsPort.fix);
        assert.deepEqual(r.checks?.kmsHosts, CHECKS.kmsHosts);
        assert.equal(r.checks?.graceMinutes, undefined);
        assert.equal(r.checks?.services.sppsvc.start, "auto");
        assert.equal(parseActivationOutput(line()).checks, undefined);
    });

    for (const cause of Object.keys(ROOT_CAUSES).filter((c) => c !== "none")) {
        test(`the failure message for ${cause} names the cause and its fix`, () => {
            const report = readActivationOutput(
                line({ status: "KmsUnreachable", exitCode: 10, licenseStatus: 5, rootCause: cause, checks: CHECKS }),
                "text",
            );
            const message = activationFailureMessage("web-9", report);
            const info = ROOT_CAUSES[cause as keyof typeof ROOT_CAUSES];
            assert.ok(message.includes(`Root cause: ${cause}: ${info.meaning}. Fix: ${info.fix}`), message);
        });
    }
});

describe("readActivationOutput and the failure message", () => {
    test("statuses: Licensed, Failed (report or unreadable), Unknown (no record)", () => {
        assert.equal(readActivationOutput(line(), "text").status, "Licensed");
        assert.equal(
            readActivationOutput(line({ status: "KmsUnreachable", exitCode: 10, licenseStatus: 5 }), "text").status,
            "Failed",
        );
        const garbage = readActivationOutput("%%%", "base64");
        assert.equal(garbage.status, "Failed");
        assert.match(garbage.error!, /not base64/);
        assert.equal(readActivationOutput(undefined, "base64").status, "Unknown");
    });

    test("the message names the server, the status, the HRESULT and what to do", () => {
        const report = readActivationOutput(line({ status: "KmsUnreachable", exitCode: 10, licenseStatus: 5 }), "text");
        const message = activationFailureMessage("web-1", report);
        assert.match(message, /server 'web-1' failed: KmsUnreachable \(script exit code 10/);
        assert.match(message, /0xC004F074 \(kmsUnreachable\)/);
        assert.match(message, /TCP 1688/);
        assert.match(message, /activation\.log/);
        assert.match(
            activationFailureMessage("web-2", readActivationOutput("junk", "text")),
            /server 'web-2' could not be confirmed: the activation output has no result line/,
        );
    });
});
