import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { validateKeepAutomationAgent } from "../../policy/policies/keepAutomationAgent";
import {
    COMPONENT,
    INSTANCE,
    StackResourceSpec,
    UNKNOWN_BOOLEAN,
    UNKNOWN_STRING,
    recorder,
    stackArgs,
    urnOf,
} from "./engine";

const WINDOWS_OS = "Windows Server 2019 DataCenter 64bit EN";

function run(specs: StackResourceSpec[], config: object = {}) {
    const { report, violations } = recorder();
    validateKeepAutomationAgent(stackArgs(specs, config), report);
    return violations;
}

describe("keep-automation-agent", () => {
    test("passes a Windows CVM that keeps the agent (false or unset)", () => {
        assert.deepEqual(
            run([
                { type: INSTANCE, name: "a", props: { osName: WINDOWS_OS, disableAutomationService: false } },
                { type: INSTANCE, name: "b", props: { osName: WINDOWS_OS } },
            ]),
            [],
        );
    });

    test("reports a Windows CVM with disableAutomationService: true, even inside the component", () => {
        const violations = run([
            { type: COMPONENT, name: "web" },
            {
                type: INSTANCE,
                name: "web-instance",
                parent: "web",
                props: { osName: WINDOWS_OS, disableAutomationService: true },
            },
        ]);
        assert.equal(violations.length, 1);
        assert.equal(violations[0].urn, urnOf(INSTANCE, "web-instance", [COMPONENT]));
        assert.match(violations[0].message, /Remove disableAutomationService or set it to false/);
    });

    test("ignores Linux CVMs and an unknown disableAutomationService", () => {
        assert.deepEqual(
            run([
                {
                    type: INSTANCE,
                    name: "linux",
                    props: { osName: "Ubuntu Server 22.04 LTS 64bit", disableAutomationService: true },
                },
                {
                    type: INSTANCE,
                    name: "pending",
                    props: { osName: WINDOWS_OS, disableAutomationService: UNKNOWN_BOOLEAN },
                },
            ]),
            [],
        );
    });

    test("during preview (osName unknown) it decides by the configured image IDs", () => {
        const spec = {
            type: INSTANCE,
            name: "new",
            props: { imageId: "img-win00002", osName: UNKNOWN_STRING, disableAutomationService: true },
        };
        assert.deepEqual(run([spec]), []);
        assert.equal(run([spec], { windowsImageIds: ["img-win00002"] }).length, 1);
    });

    test("the name pattern config applies here too", () => {
        const spec = { type: INSTANCE, name: "w", props: { osName: "W2K19-golden", disableAutomationService: true } };
        assert.deepEqual(run([spec]), []);
        assert.equal(run([spec], { windowsImageNamePattern: "^W2K" }).length, 1);
    });
});
