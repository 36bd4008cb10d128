import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseImageNamePattern } from "../../policy/policies/windows";
import { validateWindowsThroughComponent } from "../../policy/policies/windowsThroughComponent";
import { COMPONENT, INSTANCE, StackResourceSpec, UNKNOWN_STRING, recorder, stackArgs, urnOf } from "./engine";

const WINDOWS_OS = "Windows Server 2022 数据中心版 64位中文版";

function run(specs: StackResourceSpec[], config: object = {}) {
    const { report, violations } = recorder();
    validateWindowsThroughComponent(stackArgs(specs, config), report);
    return violations;
}

const component: StackResourceSpec = { type: COMPONENT, name: "web", props: { delivery: "tat" } };

describe("windows-cvm-through-component", () => {
    test("passes a Windows CVM created by an ActivatedWindowsServer", () => {
        assert.deepEqual(
            run([
                component,
                {
                    type: INSTANCE,
                    name: "web-instance",
                    parent: "web",
                    props: { imageId: "img-aaaaaaaa", osName: WINDOWS_OS },
                },
            ]),
            [],
        );
    });

    test("reports a bare Windows CVM, on its URN, saying what to use instead", () => {
        const violations = run([
            { type: INSTANCE, name: "bare", props: { imageId: "img-aaaaaaaa", osName: WINDOWS_OS } },
        ]);
        assert.equal(violations.length, 1);
        assert.equal(violations[0].urn, urnOf(INSTANCE, "bare"));
        assert.match(violations[0].message, /"bare" runs Windows/);
        assert.match(violations[0].message, /new ActivatedWindowsServer/);
    });

    test("passes a CVM nested two levels under the component, and reports one under another component type", () => {
        assert.deepEqual(
            run([
                component,
                { type: "acme:index:Wrapper", name: "wrap", parent: "web" },
                { type: INSTANCE, name: "deep", parent: "wrap", props: { osName: WINDOWS_OS } },
            ]),
            [],
        );
        const violations = run([
            { type: "acme:index:Wrapper", name: "wrap" },
            { type: "tencentcloud-windows:index:SomethingElse", name: "other", parent: "wrap" },
            { type: INSTANCE, name: "deep", parent: "other", props: { osName: WINDOWS_OS } },
        ]);
        assert.deepEqual(
            violations.map((v) => v.urn),
            [urnOf(INSTANCE, "deep", ["acme:index:Wrapper", "tencentcloud-windows:index:SomethingElse"])],
        );
    });

    test("reports only the bare Windows CVMs of a stack, not Linux ones or other types", () => {
        const violations = run([
            component,
            { type: INSTANCE, name: "inside", parent: "web", props: { osName: WINDOWS_OS } },
            { type: INSTANCE, name: "linux", props: { osName: "TencentOS Server 3.1 (TK4)" } },
            { type: INSTANCE, name: "lower", props: { osName: "windows server 2019 datacenter 64bit en" } },
            { type: "tencentcloud:index/vpc:Vpc", name: "vpc", props: { osName: WINDOWS_OS } },
        ]);
        assert.deepEqual(
            violations.map((v) => v.urn),
            [urnOf(INSTANCE, "lower")],
        );
    });

    test("during preview an unknown osName neither crashes nor decides: the image ID list does", () => {
        const preview = { type: INSTANCE, name: "new", props: { imageId: "img-win00001", osName: UNKNOWN_STRING } };
        assert.deepEqual(run([preview]), []);
        const violations = run([preview], { windowsImageIds: ["img-win00001"] });
        assert.equal(violations.length, 1);
        assert.match(violations[0].message, /img-win00001 is in windowsImageIds/);
        // Both unknown: nothing to decide on, nothing reported.
        assert.deepEqual(
            run([{ type: INSTANCE, name: "new", props: { imageId: UNKNOWN_STRING, osName: UNKNOWN_STRING } }], {
                windowsImageIds: ["img-win00001"],
            }),
            [],
        );
    });

    test("one unknown osName does not hide the other violations of the stack", () => {
        const violations = run([
            { type: INSTANCE, name: "new", props: { imageId: "img-unknown1", osName: UNKNOWN_STRING } },
            { type: INSTANCE, name: "old", props: { imageId: "img-aaaaaaaa", osName: WINDOWS_OS } },
        ]);
        assert.deepEqual(
            violations.map((v) => v.urn),
            [urnOf(INSTANCE, "old")],
        );
    });

    test("windowsImageIds marks a custom image as Windows even when its osName says nothing", () => {
        const custom = {
            type: INSTANCE,
            name: "custom",
            props: { imageId: "img-custom01", osName: "Custom golden image" },
        };
        assert.deepEqual(run([custom]), []);
        assert.equal(run([custom], { windowsImageIds: ["img-other000", "img-custom01"] }).length, 1);
    });

    test("windowsImageNamePattern widens the OS-name match, with (?i) for case", () => {
        const win = { type: INSTANCE, name: "ws", props: { imageId: "img-bbbbbbbb", osName: "WinSrv2019-golden" } };
        assert.deepEqual(run([win]), []);
        assert.deepEqual(run([win], { windowsImageNamePattern: "^winsrv" }), []);
        const violations = run([win], { windowsImageNamePattern: "(?i)^winsrv" });
        assert.equal(violations.length, 1);
        assert.match(violations[0].message, /matches windowsImageNamePattern/);
    });

    test('an osName containing "windows" in any case counts even with the pattern emptied', () => {
        const lower = { type: INSTANCE, name: "lower", props: { osName: "windows server 2019 datacenter 64bit en" } };
        const violations = run([lower], { windowsImageNamePattern: "" });
        assert.equal(violations.length, 1);
        assert.match(violations[0].message, /\(its osName is "windows server 2019 datacenter 64bit en"\)/);
        assert.deepEqual(
            run([{ type: INSTANCE, name: "l", props: { osName: "TencentOS Server 3.1" } }], {
                windowsImageNamePattern: "",
            }),
            [],
        );
    });

    test("an invalid pattern fails with an error naming the setting", () => {
        assert.throws(
            () => run([{ type: INSTANCE, name: "x", props: { osName: "a" } }], { windowsImageNamePattern: "(?i)[" }),
            /windowsImageNamePattern "\(\?i\)\[" is not a valid regular expression/,
        );
    });
});

describe("parseImageNamePattern", () => {
    test("turns a leading inline flag group into RegExp flags and keeps the rest as JavaScript syntax", () => {
        assert.deepEqual(
            [parseImageNamePattern("(?i)windows")?.source, parseImageNamePattern("(?i)windows")?.flags],
            ["windows", "i"],
        );
        assert.equal(parseImageNamePattern("(?is)a.b")?.flags, "is");
        assert.equal(parseImageNamePattern("Windows Server 20(19|22)")?.flags, "");
        assert.ok(parseImageNamePattern("(?i)windows server \\d{4}")?.test("WINDOWS SERVER 2019 DataCenter 64bit EN"));
    });

    test("empty means no pattern; unsupported flags and bad syntax throw", () => {
        assert.equal(parseImageNamePattern(""), undefined);
        assert.equal(parseImageNamePattern("  "), undefined);
        assert.throws(() => parseImageNamePattern("(?U)windows"), /inline flag "U" is not supported/);
        assert.throws(() => parseImageNamePattern("win(dows"), /not a valid regular expression/);
    });
});
