/**
 * Summarises a V8 CPU profile written by `node --cpu-prof` (the main thread's: the largest
 * file in the folder): self time by area (Pulumi SDK, component code, source-mapped stack
 * traces, ...), the top functions by self time, and the component's own functions by
 * inclusive time.
 */
import * as fs from "fs";
import * as path from "path";

interface CallFrame {
    functionName: string;
    url: string;
    lineNumber: number;
}
interface ProfileNode {
    id: number;
    callFrame: CallFrame;
    children?: number[];
}
interface CpuProfile {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
}

/** Where the profiled run spent its time: by area, by function, and in the component's own code. */
export interface ProfileSummary {
    file: string;
    totalMs: number;
    byArea: { name: string; ms: number; percent: number }[];
    topFunctions: { name: string; ms: number; percent: number }[];
    componentInclusive: { name: string; ms: number; percent: number }[];
}

function area(frame: CallFrame): string {
    const url = frame.url;
    if (frame.functionName === "(garbage collector)") {
        return "garbage collector";
    }
    if (frame.functionName === "(idle)" || frame.functionName === "(program)") {
        return "idle / program";
    }
    if (url.includes("node:internal/source_map") || url.includes("source-map")) {
        return "source-mapped stack traces (Error.stack)";
    }
    if (url.includes("@pulumi/pulumi")) {
        return "@pulumi/pulumi SDK";
    }
    if (url.includes("sdks/tencentcloud") || url.includes("@pulumi/tencentcloud")) {
        return "tencentcloud SDK";
    }
    if (url.includes("/components/")) {
        return "component code";
    }
    if (url.includes("test/support/mockCloud")) {
        return "mock engine";
    }
    if (url.includes("tsx") || url.includes("esbuild")) {
        return "tsx loader";
    }
    if (url.includes("protobuf") || url.includes("grpc")) {
        return "protobuf / grpc";
    }
    if (url.startsWith("node:")) {
        return "node internals";
    }
    if (url === "") {
        return "native (V8 builtins, JSON, RegExp)";
    }
    return "other JS";
}

function label(frame: CallFrame, root: string): string {
    const url = frame.url
        .replace(/^file:\/\//, "")
        .replace(root + path.sep, "")
        .replace(/.*node_modules\//, "");
    // Line numbers of .ts files are those of tsx's transpiled output, not of the source: leave them out.
    const line = url && !url.endsWith(".ts") ? `:${frame.lineNumber + 1}` : "";
    return `${frame.functionName || "(anonymous)"} ${url}${line}`;
}

/** Reads the largest .cpuprofile in `dir` and summarises it. */
export function summariseProfile(dir: string, root: string): ProfileSummary {
    const files = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".cpuprofile"))
        .map((f) => path.join(dir, f))
        .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
    if (files.length === 0) {
        throw new Error(`no .cpuprofile in ${dir}`);
    }
    const profile = JSON.parse(fs.readFileSync(files[0], "utf8")) as CpuProfile;
    const self = new Map<number, number>();
    profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const totalMs = [...self.values()].reduce((a, b) => a + b, 0);
    const pct = (ms: number) => (100 * ms) / totalMs;

    const areas = new Map<string, number>();
    const fns = new Map<string, number>();
    for (const node of profile.nodes) {
        const ms = self.get(node.id) ?? 0;
        areas.set(area(node.callFrame), (areas.get(area(node.callFrame)) ?? 0) + ms);
        const key = label(node.callFrame, root);
        fns.set(key, (fns.get(key) ?? 0) + ms);
    }

    // Inclusive time of the component's functions (outermost occurrence on each path only).
    const inclusive = new Map<string, number>();
    const subtree = new Map<number, number>();
    const total = (id: number): number => {
        const cached = subtree.get(id);
        if (cached !== undefined) {
            return cached;
        }
        const node = byId.get(id)!;
        const t = (self.get(id) ?? 0) + (node.children ?? []).reduce((s, c) => s + total(c), 0);
        subtree.set(id, t);
        return t;
    };
    const walk = (id: number, seen: Set<string>) => {
        const node = byId.get(id)!;
        let next = seen;
        if (node.callFrame.url.includes("/components/")) {
            const key = label(node.callFrame, root);
            if (!seen.has(key)) {
                inclusive.set(key, (inclusive.get(key) ?? 0) + total(id));
                next = new Set(seen).add(key);
            }
        }
        for (const c of node.children ?? []) {
            walk(c, next);
        }
    };
    walk(profile.nodes[0].id, new Set());

    const top = (m: Map<string, number>, k: number) =>
        [...m.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, k)
            .map(([name, ms]) => ({ name, ms, percent: pct(ms) }));
    return {
        file: files[0],
        totalMs,
        byArea: top(areas, 12),
        topFunctions: top(fns, 12),
        componentInclusive: top(inclusive, 8),
    };
}
