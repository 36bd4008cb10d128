/**
 * Reads of TAT straight from Tencent's API, 100 items a request: the provider's data sources page
 * DescribeInvocationTasks and DescribeAutomationAgentStatus at 20 (`service_tencentcloud_tat.go`,
 * `limit = 20`) and its task filters take 5 instances a call, so through them an unchanged fleet of
 * 1,000 costs at least 250 requests; here about 20.
 *
 * Used only where the component signs with exactly the credentials the provider uses: the default
 * provider with a plain key pair from the `tencentcloud:` config or the `TENCENTCLOUD_*` environment
 * ({@link tatApiSettings}). Requests are signed TC3-HMAC-SHA256 by Tencent's own SDK
 * (`tencentcloud-sdk-nodejs-common`). Only read actions are ever sent.
 */
import { CommonClient } from "tencentcloud-sdk-nodejs-common";
import type { TatTask } from "./tatReads";

/** Where and as whom the component reads TAT. */
export interface TatApiSettings {
    secretId: string;
    secretKey: string;
    /** The STS token of temporary keys. */
    securityToken?: string;
    region: string;
    /** `https://tat.tencentcloudapi.com`, or the endpoint {@link TAT_ENDPOINT_VARIABLE} names. */
    endpoint: string;
}

/** The environment variable that points the reads at another TAT endpoint (a local stand-in of the API). */
export const TAT_ENDPOINT_VARIABLE = "TENCENTCLOUD_WINDOWS_TAT_ENDPOINT";

/** Items per request: DescribeInvocationTasks' and DescribeAutomationAgentStatus' largest `Limit`. */
export const API_PAGE = 100;

/** Values per DescribeInvocationTasks filter (Tencent's limit: 5). */
export const VALUES_PER_FILTER = 5;

/**
 * Provider settings (config key, environment variable) under which the provider signs with other
 * credentials than the key pair (a role it assumes, a profile, the CVM's role, OIDC, MFA) or talks to
 * another endpoint (`provider.go`): with any of them set the component reads through the provider.
 */
const OTHER_CREDENTIALS: readonly (readonly [string, string])[] = [
    ["assumeRole", "TENCENTCLOUD_ASSUME_ROLE_ARN"],
    ["assumeRoleWithSaml", "TENCENTCLOUD_ASSUME_ROLE_SAML_ASSERTION"],
    ["assumeRoleWithWebIdentity", "TENCENTCLOUD_ASSUME_ROLE_WEB_IDENTITY_TOKEN"],
    ["assumeRoleWithWebIdentity", "TENCENTCLOUD_ASSUME_ROLE_WEB_IDENTITY_TOKEN_FILE"],
    ["mfaCertification", "TENCENTCLOUD_MFA_CERTIFICATION_SERIAL_NUMBER"],
    ["camRoleName", "TENCENTCLOUD_CAM_ROLE_NAME"],
    ["profile", "TENCENTCLOUD_PROFILE"],
    ["sharedCredentialsDir", "TENCENTCLOUD_SHARED_CREDENTIALS_DIR"],
    ["domain", "TENCENTCLOUD_DOMAIN"],
    ["enablePodOidc", "TKE_PROVIDER_ID"],
];

/** Hosts an `http://` endpoint may name: this machine only (a signed request carries the key's ID and token). */
const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];

/**
 * The endpoint of {@link TAT_ENDPOINT_VARIABLE}, checked: `https://host[:port]`, or `http://` to this
 * machine only. Throws naming the variable and the rule.
 */
export function tatEndpoint(value: string | undefined): string {
    if (value === undefined || value === "") {
        return "https://tat.tencentcloudapi.com";
    }
    const m = /^(https?):\/\/([A-Za-z0-9.-]+|\[::1\])(:\d{1,5})?\/?$/.exec(value);
    if (m === null || (m[1] === "http" && !LOOPBACK.includes(m[2]))) {
        throw new Error(
            `${TAT_ENDPOINT_VARIABLE} must be https://host[:port], or http:// to 127.0.0.1, localhost or [::1] ` +
                `(a signed request carries the key's ID and token); got ${JSON.stringify(value)}.`,
        );
    }
    return `${m[1]}://${m[2]}${m[3] ?? ""}`;
}

/**
 * The settings the default provider signs with, from its sources in its order (the `tencentcloud:`
 * config, then the `TENCENTCLOUD_*` environment), or why the component cannot use them: a key pair
 * or region missing, or a setting that makes the provider sign otherwise ({@link OTHER_CREDENTIALS}).
 */
export function tatApiSettings(
    config: (key: string) => string | undefined,
    env: NodeJS.ProcessEnv,
): TatApiSettings | { unavailable: string } {
    const value = (key: string, variable: string) => config(key) || env[variable] || undefined;
    for (const [key, variable] of OTHER_CREDENTIALS) {
        if (value(key, variable) !== undefined) {
            return {
                unavailable: `the provider setting tencentcloud:${key} (or ${variable}) is set, so the provider may sign as another identity`,
            };
        }
    }
    const protocol = value("protocol", "TENCENTCLOUD_PROTOCOL");
    if (protocol !== undefined && protocol.toUpperCase() !== "HTTPS") {
        return { unavailable: `the provider's protocol is ${protocol}` };
    }
    const secretId = value("secretId", "TENCENTCLOUD_SECRET_ID");
    const secretKey = value("secretKey", "TENCENTCLOUD_SECRET_KEY");
    const region = value("region", "TENCENTCLOUD_REGION");
    if (secretId === undefined || secretKey === undefined || region === undefined) {
        return {
            unavailable:
                "no secretId, secretKey and region in the tencentcloud: config or the TENCENTCLOUD_SECRET_ID, " +
                "TENCENTCLOUD_SECRET_KEY and TENCENTCLOUD_REGION environment",
        };
    }
    return {
        secretId,
        secretKey,
        securityToken: value("securityToken", "TENCENTCLOUD_SECURITY_TOKEN"),
        region,
        endpoint: tatEndpoint(env[TAT_ENDPOINT_VARIABLE]),
    };
}

/** An error Tencent's API answered, with its code (`AuthFailure.SignatureFailure`, ...). */
interface ApiError extends Error {
    code?: string;
}

/** Tries per request while Tencent throttles (20 requests a second per action) or does not answer. */
const TRIES = 6;

/** The API's task record (DescribeInvocationTasks `InvocationTaskSet`), the fields read. */
interface ApiTask {
    InvocationId: string;
    InstanceId: string;
    CommandId: string;
    TaskStatus: string;
    InvocationSource?: string;
    CreatedTime?: string;
    TaskResult?: { Output?: string; ExitCode?: number };
}

/** Reads of a task list that kept changing while it was paged, before giving up. */
const PAGING_TRIES = 3;

/** A DescribeInvocationTasks filter. */
interface TaskFilter {
    Name: string;
    Values: string[];
}

/** One DescribeInvocationTasks answer. */
interface TaskPage {
    TotalCount: number;
    InvocationTaskSet?: ApiTask[];
}

/** TAT's read API, as the default provider's credentials reach it. */
export class TatApi {
    private readonly client: CommonClient;
    private readonly region: string;

    /** `sleep`: how a throttled request waits before it is tried again. */
    constructor(
        settings: TatApiSettings,
        private readonly sleep: (ms: number) => Promise<unknown> = (ms) => new Promise((r) => setTimeout(r, ms)),
    ) {
        this.region = settings.region;
        const [protocol, host] = settings.endpoint.split("://");
        this.client = new CommonClient(host, "2020-10-28", {
            credential: {
                secretId: settings.secretId,
                secretKey: settings.secretKey,
                token: settings.securityToken,
            },
            region: settings.region,
            profile: { httpProfile: { protocol: `${protocol}://`, reqTimeout: 30 } },
        });
    }

    /**
     * One request. A throttled one (`RequestLimitExceeded`), and one that got no answer from Tencent (a
     * connection reset or refused, a timeout: no error code), is tried again after 1, 2, 4, 8, 16 s:
     * every request sent here only reads.
     */
    private async request<T>(action: string, params: object): Promise<T> {
        for (let attempt = 1; ; attempt++) {
            try {
                return (await this.client.request(action, params)) as T;
            } catch (e) {
                const code = (e as ApiError).code;
                if ((code !== undefined && code !== "RequestLimitExceeded") || attempt === TRIES) {
                    throw new Error(`TAT ${action} failed: ${code ? `${code}: ` : ""}${(e as Error).message}`);
                }
                await this.sleep(1000 * 2 ** (attempt - 1));
            }
        }
    }

    /** Each instance's agent status (`Online`, `Offline`), 100 instances a request; unlisted instances are absent. */
    async agentStatuses(instanceIds: string[]): Promise<Map<string, string>> {
        const status = new Map<string, string>();
        const batches: Promise<void>[] = [];
        for (let i = 0; i < instanceIds.length; i += API_PAGE) {
            const InstanceIds = instanceIds.slice(i, i + API_PAGE);
            batches.push(
                this.request<{ AutomationAgentSet?: { InstanceId: string; AgentStatus: string }[] }>(
                    "DescribeAutomationAgentStatus",
                    { InstanceIds, Limit: API_PAGE },
                ).then((r) => (r.AutomationAgentSet ?? []).forEach((a) => status.set(a.InstanceId, a.AgentStatus))),
            );
        }
        await Promise.all(batches);
        return status;
    }

    /** One page of the tasks of `filters` (outputs included) from `offset`, and the total TAT has. */
    private page(filters: TaskFilter[], offset: number): Promise<TaskPage> {
        return this.request<TaskPage>("DescribeInvocationTasks", {
            Filters: filters,
            Limit: API_PAGE,
            Offset: offset,
            HideOutput: false,
        });
    }

    /**
     * Every task TAT keeps of `filters` (starting from `first`, the page at offset 0 when already read),
     * the pages asked one after another. When the total changes between them (a task was added or
     * expired meanwhile, so an offset may have skipped one) the whole list is read again.
     */
    private async allTasks(filters: TaskFilter[], first?: TaskPage): Promise<ApiTask[]> {
        for (let round = 1; ; round++) {
            const start = round === 1 && first !== undefined ? first : await this.page(filters, 0);
            const tasks = [...(start.InvocationTaskSet ?? [])];
            let moved = false;
            for (let offset = API_PAGE; offset < start.TotalCount && !moved; offset += API_PAGE) {
                const page = await this.page(filters, offset);
                moved = page.TotalCount !== start.TotalCount;
                tasks.push(...(page.InvocationTaskSet ?? []));
            }
            if (!moved) {
                return tasks;
            }
            if (round === PAGING_TRIES) {
                throw new Error(`TAT DescribeInvocationTasks: the task list kept changing over ${PAGING_TRIES} reads`);
            }
        }
    }

    /** True when the command is visible to these credentials in this region (DescribeCommands). */
    private async commandVisible(commandId: string): Promise<boolean> {
        const r = await this.request<{ TotalCount: number }>("DescribeCommands", { CommandIds: [commandId] });
        return r.TotalCount > 0;
    }

    /**
     * The tasks of `commandId` on `instanceIds`. Asks first for the command's tasks on every instance
     * (one filter, 100 a request); when that list would take more requests than asking 5 instances at
     * a time, reads those instead. A command these credentials cannot see (another account or region
     * than the provider's) is an error, never an empty answer.
     */
    async commandTasks(commandId: string, instanceIds: string[]): Promise<TatTask[]> {
        const byCommand = { Name: "command-id", Values: [commandId] };
        const first = await this.page([byCommand], 0);
        if (first.TotalCount === 0 && !(await this.commandVisible(commandId))) {
            throw new Error(
                `TAT command ${commandId} is not visible in ${this.region} with the default provider's credentials: ` +
                    "they are not the account or region the provider uses",
            );
        }
        let tasks: ApiTask[];
        if (Math.ceil(first.TotalCount / API_PAGE) <= Math.ceil(instanceIds.length / VALUES_PER_FILTER)) {
            tasks = await this.allTasks([byCommand], first);
        } else {
            tasks = [];
            for (let i = 0; i < instanceIds.length; i += VALUES_PER_FILTER) {
                const Values = instanceIds.slice(i, i + VALUES_PER_FILTER);
                tasks.push(...(await this.allTasks([byCommand, { Name: "instance-id", Values }])));
            }
        }
        const wanted = new Set(instanceIds);
        return tasks
            .filter((t) => wanted.has(t.InstanceId))
            .map((t) => ({
                invocationId: t.InvocationId,
                instanceId: t.InstanceId,
                commandId: t.CommandId,
                taskStatus: t.TaskStatus,
                invocationSource: t.InvocationSource ?? "",
                createdTime: t.CreatedTime ?? "",
                output: t.TaskResult?.Output ?? "",
            }));
    }
}
