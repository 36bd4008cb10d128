/**
 * A stand-in of Tencent's TAT API (API 3.0, JSON over HTTP POST) on 127.0.0.1, answering from a
 * {@link MockCloud}: the read actions the component sends directly (DescribeInvocationTasks,
 * DescribeAutomationAgentStatus, DescribeCommands). It checks what Tencent checks (the TC3-HMAC-SHA256
 * signature, the version and region headers, each action's limits) and throttles as Tencent does;
 * each behaviour's source is in BEHAVIOUR.md ("Tencent's API, directly"). `start` points the
 * component's settings at it (the TENCENTCLOUD_* environment and the endpoint variable).
 */
import { createHash, createHmac } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";
import { TAT_ENDPOINT_VARIABLE } from "../../components/delivery/tatApi";
import { MockCloud } from "./mockCloud";

/** The key pair the stand-in accepts. */
export const API_KEYS = { secretId: "AKIDmockmockmockmock", secretKey: "mock-secret-key" };
/** The region the stand-in serves. */
export const API_REGION = "ap-guangzhou";

/** One request the stand-in answered (throttled ones included). */
export interface ApiRequest {
    action: string;
    params: Record<string, any>;
    /** The error code it answered, if any. */
    error?: string;
}

/** Requests per second per action before `RequestLimitExceeded` (TAT's documented limit). */
const RATE_LIMIT = 20;

/** The variables `start` sets, and restores on `stop`. */
const VARIABLES = [
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_REGION",
    "TENCENTCLOUD_SECURITY_TOKEN",
    TAT_ENDPOINT_VARIABLE,
];

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();
const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");

/** Why a request's TC3-HMAC-SHA256 signature is wrong, or undefined (Tencent's "Signature v3" document). */
function signatureError(req: http.IncomingMessage, body: string, secretKey: string): string | undefined {
    const auth =
        /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$/.exec(
            String(req.headers.authorization ?? ""),
        );
    if (auth === null) {
        return "AuthFailure.SignatureFailure";
    }
    const [, secretId, date, service, signedHeaders, signature] = auth;
    if (secretId !== API_KEYS.secretId) {
        return "AuthFailure.SecretIdNotFound";
    }
    const timestamp = String(req.headers["x-tc-timestamp"] ?? "");
    if (new Date(Number(timestamp) * 1000).toISOString().slice(0, 10) !== date) {
        return "AuthFailure.SignatureFailure";
    }
    // The service is the first label of the host the client called (the SDK derives it so): "tat" on Tencent.
    const host = String(req.headers.host ?? "").replace(/:\d+$/, "");
    if (service !== host.split(".")[0]) {
        return "AuthFailure.SignatureFailure";
    }
    const canonicalHeaders = signedHeaders
        .split(";")
        .map((h) => `${h}:${(h === "host" ? host : String(req.headers[h] ?? "")).trim().toLowerCase()}\n`)
        .join("");
    const canonical = ["POST", "/", "", canonicalHeaders, signedHeaders, sha256(body)].join("\n");
    const scope = `${date}/${service}/tc3_request`;
    const toSign = ["TC3-HMAC-SHA256", timestamp, scope, sha256(canonical)].join("\n");
    const key = hmac(hmac(hmac(`TC3${secretKey}`, date), service), "tc3_request");
    return createHmac("sha256", key).update(toSign).digest("hex") === signature
        ? undefined
        : "AuthFailure.SignatureFailure";
}

/** Tencent's error answer. */
class ApiError extends Error {
    constructor(
        public readonly code: string,
        message: string,
    ) {
        super(message);
    }
}

/** The stand-in API of one cloud. */
export class MockApi {
    /** Every request answered, in order. */
    public readonly requests: ApiRequest[] = [];
    /** The secret key requests must be signed with (tests change it to play another account). */
    public secretKey = API_KEYS.secretKey;
    /** Answers every request with this error code while set (an outage, revoked permissions). */
    public failWith: string | undefined;
    /** Connections to drop, unanswered, before answering again (a reset, a network fault). */
    public dropNext = 0;
    /** Tasks TAT adds while a DescribeInvocationTasks list is being paged: called before each page. */
    public beforeTaskPage: (() => void) | undefined;
    private server: http.Server | undefined;
    private saved: (string | undefined)[] = [];
    /** Request times per action in the current second. */
    private readonly recent = new Map<string, number[]>();

    constructor(private readonly cloud: MockCloud) {}

    /** Forgets the requests answered and every test control (a new second for the throttle too). */
    reset(): void {
        this.requests.length = 0;
        this.recent.clear();
        this.failWith = undefined;
        this.beforeTaskPage = undefined;
        this.dropNext = 0;
    }

    /** The requests of `action` answered so far. */
    count(action?: string): number {
        return this.requests.filter((r) => action === undefined || r.action === action).length;
    }

    /** Listens on 127.0.0.1 and points the component's settings at it. */
    async start(): Promise<void> {
        this.server = http.createServer((req, res) => {
            if (this.dropNext > 0) {
                this.dropNext--;
                req.socket.destroy();
                return;
            }
            const chunks: Buffer[] = [];
            req.on("data", (c: Buffer) => chunks.push(c));
            req.on("end", () => {
                const body = Buffer.concat(chunks).toString("utf8");
                res.setHeader("content-type", "application/json");
                res.end(JSON.stringify({ Response: { ...this.answer(req, body), RequestId: "mock-request" } }));
            });
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        const port = (this.server.address() as AddressInfo).port;
        this.saved = VARIABLES.map((v) => process.env[v]);
        process.env.TENCENTCLOUD_SECRET_ID = API_KEYS.secretId;
        process.env.TENCENTCLOUD_SECRET_KEY = API_KEYS.secretKey;
        process.env.TENCENTCLOUD_REGION = API_REGION;
        delete process.env.TENCENTCLOUD_SECURITY_TOKEN;
        process.env[TAT_ENDPOINT_VARIABLE] = `http://127.0.0.1:${port}`;
    }

    /** Stops listening and restores the environment. */
    async stop(): Promise<void> {
        VARIABLES.forEach((v, i) =>
            this.saved[i] === undefined ? delete process.env[v] : (process.env[v] = this.saved[i]),
        );
        await new Promise((resolve) => this.server?.close(resolve));
    }

    private answer(req: http.IncomingMessage, body: string): object {
        const action = String(req.headers["x-tc-action"] ?? "");
        let params: Record<string, any> = {};
        try {
            params = JSON.parse(body || "{}");
            const signature = signatureError(req, body, this.secretKey);
            if (signature !== undefined) {
                throw new ApiError(signature, "The provided credentials could not be validated.");
            }
            if (req.headers["x-tc-version"] !== "2020-10-28") {
                throw new ApiError("InvalidParameterValue", "TAT's API version is 2020-10-28");
            }
            if (req.headers["x-tc-region"] !== API_REGION) {
                throw new ApiError(
                    "InvalidParameterValue",
                    `region ${String(req.headers["x-tc-region"])} is not served`,
                );
            }
            if (this.failWith !== undefined) {
                throw new ApiError(this.failWith, "failing as told");
            }
            this.throttle(action);
            const answer = this.act(action, params);
            this.requests.push({ action, params });
            return answer;
        } catch (e) {
            const code = e instanceof ApiError ? e.code : "InternalError";
            this.requests.push({ action, params, error: code });
            return { Error: { Code: code, Message: (e as Error).message } };
        }
    }

    /** Tencent's per-action limit: more than {@link RATE_LIMIT} requests in a second are refused. */
    private throttle(action: string): void {
        const now = Date.now();
        const times = (this.recent.get(action) ?? []).filter((t) => now - t < 1000);
        times.push(now);
        this.recent.set(action, times);
        if (times.length > RATE_LIMIT) {
            throw new ApiError("RequestLimitExceeded", `more than ${RATE_LIMIT} requests a second`);
        }
    }

    private act(action: string, p: Record<string, any>): object {
        const limit = p.Limit ?? 20;
        const offset = p.Offset ?? 0;
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
            throw new ApiError("InvalidParameterValue.LimitExceeded", "Limit is at most 100");
        }
        switch (action) {
            case "DescribeAutomationAgentStatus": {
                const ids: string[] = p.InstanceIds ?? [];
                if (ids.length > 100) {
                    throw new ApiError("InvalidParameterValue.LimitExceeded", "at most 100 InstanceIds");
                }
                // An instance the region does not have is not listed.
                const listed = ids.filter((id) => this.cloud.cloudInstances.has(id));
                const all = listed.map((id) => ({
                    InstanceId: id,
                    AgentStatus: this.cloud.agentStatus(id),
                    Environment: "Windows",
                    Version: "1.1.9",
                }));
                return { AutomationAgentSet: all.slice(offset, offset + limit), TotalCount: all.length };
            }
            case "DescribeInvocationTasks": {
                if (p.InvocationTaskIds !== undefined && p.Filters !== undefined) {
                    throw new ApiError("InvalidParameter", "InvocationTaskIds and Filters cannot be given together");
                }
                const filters: { Name: string; Values: string[] }[] = p.Filters ?? [];
                if (filters.length > 10 || filters.some((f) => f.Values.length > 5)) {
                    throw new ApiError("InvalidParameterValue", "at most 10 filters of 5 values");
                }
                this.beforeTaskPage?.();
                const all = this.cloud.invocationTasks(filters.map((f) => ({ name: f.Name, values: f.Values })));
                const hide = p.HideOutput !== false;
                return {
                    InvocationTaskSet: all.slice(offset, offset + limit).map((t) => ({
                        InvocationId: t.invocationId,
                        InvocationTaskId: `invt-${t.invocationId.slice(4)}`,
                        CommandId: t.commandId,
                        InstanceId: t.instanceId,
                        TaskStatus: t.taskStatus,
                        InvocationSource: t.invocationSource,
                        CreatedTime: t.createdTime,
                        TaskResult: { ExitCode: 0, Output: hide ? "" : t.output },
                    })),
                    TotalCount: all.length,
                };
            }
            case "DescribeCommands": {
                const found = (p.CommandIds ?? []).filter((id: string) => this.cloud.hasCommand(id));
                return { CommandSet: found.map((CommandId: string) => ({ CommandId })), TotalCount: found.length };
            }
            default:
                throw new ApiError("InvalidAction", `${action} is not served by this stand-in`);
        }
    }
}
