/**
 * Keep-activated invokers follow what the program declares: the same servers give the same invokers,
 * names and members whatever the order and timing in which they reach the component (issue 25.3).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { INVOKER_CAPACITY, invokerCloudName, invokerMembers } from "../../components/delivery/keepActivated";
import { MockCloud, valueOf } from "../support/mockCloud";
import { Library, deploy, SERVER_ARGS } from "../support/deploy";

const INVOKER = "tencentcloud:index/tatInvoker:TatInvoker";
const base = { ...SERVER_ARGS, password: "Keep(Active)9" };
const NAMES = ["web1", "web2", "web3", "web4", "web5", "web6"];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Declares NAMES with keepActivated: all at once, in reverse, or in waves of two a second apart (as a
 * Python program's Construct calls arrive: each holds an executor thread until its server is done).
 */
function declared(order: "atOnce" | "reverse" | "waves") {
    return async (lib: Library) => {
        const names = order === "reverse" ? [...NAMES].reverse() : NAMES;
        const statuses: Promise<unknown>[] = [];
        for (let i = 0; i < names.length; i++) {
            if (order === "waves" && i > 0 && i % 2 === 0) {
                await sleep(1000);
            }
            const server = new lib.ActivatedWindowsServer(names[i], {
                ...base,
                activation: { delivery: "tat", keepActivated: true, tatAgentPollSeconds: 1 },
            });
            statuses.push(valueOf(server.activationStatus));
        }
        return Promise.all(statuses);
    };
}

/** Each invoker: its resource name, its name in the cloud, and the servers (by name) it runs on. */
function invokersOf(cloud: MockCloud): string[] {
    const serverOf = new Map(
        cloud.resources
            .filter((r) => r.name.endsWith("-instance"))
            .map((r) => [r.id, r.name.replace(/-instance$/, "")]),
    );
    return cloud.resources
        .filter((r) => r.type === INVOKER)
        .map(
            (r) =>
                `${r.urn.split("::").pop()} ${r.inputs.name} ${(r.inputs.instanceIds as string[]).map((id) => serverOf.get(id)).join(",")}`,
        )
        .sort();
}

describe("keep-activated invokers of ActivatedWindowsServer", () => {
    test("the same servers give the same invokers, names and members declared at once, in reverse or in waves", async () => {
        const runs: string[][] = [];
        for (const order of ["atOnce", "reverse", "waves"] as const) {
            const cloud = new MockCloud();
            await deploy(cloud, declared(order));
            runs.push(invokersOf(cloud));
        }
        assert.equal(runs[0].length, NAMES.length, runs[0].join("\n"));
        for (const line of runs[0]) {
            const [resource, , members] = line.split(" ");
            assert.equal(
                resource,
                `${members}-keep-activated`,
                "a server's own invoker, named after it, runs on it alone",
            );
        }
        assert.deepEqual(runs[1], runs[0], "reverse order");
        assert.deepEqual(runs[2], runs[0], "waves");
    });

    test("a second deployment of the same program changes no invoker", async () => {
        const cloud = new MockCloud();
        await deploy(cloud, declared("atOnce"));
        await deploy(cloud, declared("waves"));
        const invokers = cloud.resources.filter((r) => r.type === INVOKER);
        assert.deepEqual(
            invokers.filter((r) => r.change !== "same").map((r) => `${r.name}: ${r.change}`),
            [],
        );
        assert.equal(invokers.length, NAMES.length);
    });
});

describe("keep-activated invokers of WindowsActivation", () => {
    test("250 instances make 3 invokers in instance-ID order, whatever order the instances are given in", async () => {
        const shapes: string[][] = [];
        for (const reverse of [false, true]) {
            const cloud = new MockCloud();
            const ids = cloud.addExistingInstances(250);
            const given = reverse ? [...ids].reverse() : ids;
            await deploy(cloud, async (lib) => {
                const fleet = new lib.WindowsActivation("fleet", {
                    instanceIds: given,
                    mode: "activate",
                    activation: { keepActivated: true },
                });
                return valueOf(fleet.summary);
            });
            const invokers = cloud.resources
                .filter((r) => r.type === INVOKER)
                .sort((a, b) => a.name.localeCompare(b.name));
            assert.deepEqual(
                invokers.map((r) => r.name),
                ["fleet-keep-activated-0", "fleet-keep-activated-1", "fleet-keep-activated-2"],
            );
            const sorted = [...ids].sort();
            assert.deepEqual(
                invokers.map((r) => r.inputs.instanceIds),
                [sorted.slice(0, 100), sorted.slice(100, 200), sorted.slice(200)],
            );
            shapes.push(
                invokers.map((r) => `${r.name} ${r.inputs.name} ${(r.inputs.instanceIds as string[]).join(",")}`),
            );
        }
        assert.deepEqual(shapes[1], shapes[0]);
    });
});

describe("invokerMembers and invokerCloudName", () => {
    test("members: sorted, at most INVOKER_CAPACITY each, none lost or doubled", () => {
        const ids = Array.from(
            { length: 2 * INVOKER_CAPACITY + 1 },
            (_, i) => `ins-${String((i * 7919) % 1000).padStart(8, "0")}`,
        );
        const groups = invokerMembers(ids);
        assert.deepEqual(
            groups.map((g) => g.length),
            [INVOKER_CAPACITY, INVOKER_CAPACITY, 1],
        );
        const flat = groups.flat();
        assert.deepEqual(flat, [...ids].sort());
        assert.deepEqual(invokerMembers([]), []);
    });

    test("names: 38 characters of TAT's name alphabet, one per URN and index", () => {
        const a = invokerCloudName("urn:pulumi:dev::p::tencentcloud-windows:index:ActivatedWindowsServer::web1", 0);
        assert.match(a, /^tencentcloud-windows-keep-[0-9a-f]{12}$/);
        assert.equal(a.length, 38);
        assert.equal(
            invokerCloudName("urn:pulumi:dev::p::tencentcloud-windows:index:ActivatedWindowsServer::web1", 0),
            a,
            "stable",
        );
        assert.notEqual(
            invokerCloudName("urn:pulumi:prod::p::tencentcloud-windows:index:ActivatedWindowsServer::web1", 0),
            a,
            "another stack",
        );
        assert.notEqual(
            invokerCloudName("urn:pulumi:dev::p::tencentcloud-windows:index:ActivatedWindowsServer::web1", 1),
            a,
            "another index",
        );
    });
});
