/**
 * Policy `no-ssh-from-anywhere`: no security group rule accepts TCP 22 from the whole internet.
 *
 * Field names checked against the provider source, tencentcloudstack/terraform-provider-tencentcloud
 * `tencentcloud/services/vpc/resource_tc_security_group_rule_set.go` and
 * `resource_tc_security_group_rule.go` (read for provider 1.83.x), camelCased by the bridge, list
 * blocks pluralised:
 * - `tencentcloud_security_group_rule_set`: `ingress` (-> `ingresses`) items with `action`
 *   (`ACCEPT`/`DROP`, any case), `cidr_block`, `ipv6_cidr_block`, `source_security_id`,
 *   `address_template_id`, `address_template_group`, `protocol` (`TCP`, `UDP`, `ICMP`, `ICMPv6`,
 *   `ALL`; "default to all types protocol"), `port` (`80`, `80,90`, `80-90` or `all`; "default to
 *   all ports"), `service_template_id`, `service_template_group` (conflict with protocol + port).
 * - `tencentcloud_security_group_rule`: `type` (`ingress`/`egress`, any case), `cidr_ip`,
 *   `ip_protocol` (default all), `port_range` (`53`, `80,443`, `80-90`; default all ports),
 *   `policy` (`ACCEPT`/`DROP`, any case), `source_sgid`, `address_template` and
 *   `protocol_template` (MaxItems 1 blocks, so single objects with `templateId`/`groupId`).
 * A rule that uses a service/protocol template is skipped: its ports live in the template, which
 * the policy cannot see.
 */
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { UNKNOWN, knownString, read, readItems } from "./values";

/** Name of the policy. */
export const NO_SSH_FROM_ANYWHERE = "no-ssh-from-anywhere";

/** Type token of the ordered rule set resource. */
export const RULE_SET_TYPE = "tencentcloud:index/securityGroupRuleSet:SecurityGroupRuleSet";

/** Type token of the single-rule resource. */
export const RULE_TYPE = "tencentcloud:index/securityGroupRule:SecurityGroupRule";

/** The SSH port. */
export const SSH_PORT = 22;

/**
 * True when a CIDR block covers every address: any IPv4 or IPv6 block with prefix length 0
 * (`0.0.0.0/0`, `::/0`, `0::0/0`).
 */
export function isWholeAddressSpace(cidr: string): boolean {
    return /^[0-9a-fA-F.:]+\/0+$/.test(cidr.trim());
}

/**
 * True when a protocol field admits TCP: `TCP` or `ALL` (any case),
 * or absent/empty (the provider's default is all protocols).
 */
export function protocolIncludesTcp(protocol: string | undefined): boolean {
    const p = (protocol ?? "").trim().toUpperCase();
    return p === "" || p === "ALL" || p === "TCP";
}

/**
 * True when a port field admits `port`: absent/empty or `ALL` (any case; the provider's default is
 * all ports), a single port, a range `20-30`, or a comma list of those. Items that are none of
 * these are ignored (the provider rejects them).
 */
export function portSpecIncludes(spec: string | undefined, port: number): boolean {
    const s = (spec ?? "").trim();
    if (s === "") {
        return true;
    }
    return s.split(",").some((raw) => {
        const item = raw.trim();
        if (item.toUpperCase() === "ALL") {
            return true;
        }
        const single = /^(\d{1,5})$/.exec(item);
        if (single) {
            return Number(single[1]) === port;
        }
        const range = /^(\d{1,5})\s*-\s*(\d{1,5})$/.exec(item);
        if (range) {
            const [a, b] = [Number(range[1]), Number(range[2])];
            return Math.min(a, b) <= port && port <= Math.max(a, b);
        }
        return false;
    });
}

/** One ingress rule reduced to what the check needs; each field a known value, `undefined`, or {@link UNKNOWN}. */
export interface IngressRule {
    /** `ACCEPT` or `DROP` (any case). */
    action: unknown;
    /** Source CIDR blocks (IPv4 and/or IPv6). */
    sources: unknown[];
    /** Protocol field; absent means all. */
    protocol: unknown;
    /** Port field; absent means all. */
    port: unknown;
    /** Service/protocol template that holds the rule's ports (see {@link templateRef}). */
    template: unknown;
}

/**
 * The template a rule refers to: {@link UNKNOWN} if any reference
 * is unknown, else the first non-empty one, else `undefined`.
 */
export function templateRef(...references: unknown[]): unknown {
    if (references.includes(UNKNOWN)) {
        return UNKNOWN;
    }
    return references.find((r) => typeof r === "string" && r.trim() !== "");
}

/** A protocol or port field as text: strings as they are, numbers as digits, anything else `undefined` (absent). */
function fieldText(value: unknown): string | undefined {
    return typeof value === "number" ? String(value) : knownString(value);
}

/**
 * What makes the rule a violation, e.g. `protocol "TCP", port "22" from 0.0.0.0/0`; `undefined`
 * when the rule does not accept TCP 22 from every address, or cannot be decided: a deciding field
 * is unknown (preview), or a template holds the ports.
 */
export function sshFromAnywhere(rule: IngressRule): string | undefined {
    if (rule.template !== undefined || rule.protocol === UNKNOWN || rule.port === UNKNOWN) {
        return undefined;
    }
    const action = knownString(rule.action);
    if (action === undefined || action.trim().toUpperCase() !== "ACCEPT") {
        return undefined;
    }
    const source = rule.sources.map(knownString).find((cidr) => cidr !== undefined && isWholeAddressSpace(cidr));
    const protocol = fieldText(rule.protocol);
    const port = fieldText(rule.port);
    if (source === undefined || !protocolIncludesTcp(protocol) || !portSpecIncludes(port, SSH_PORT)) {
        return undefined;
    }
    const shownProtocol =
        protocol === undefined || protocol.trim() === "" ? "all protocols (default)" : `protocol "${protocol}"`;
    const shownPort = port === undefined || port.trim() === "" ? "all ports (default)" : `port "${port}"`;
    return `${shownProtocol}, ${shownPort} from ${source.trim()}`;
}

const ADVICE =
    "Anyone on the internet could then try to log in. Narrow the source to your administration network " +
    '(ActivatedWindowsServer\'s ssh delivery takes activation.sshAllowedCidrs), or use delivery "tat", which needs no inbound port.';

/**
 * Resource validation: reports each ingress rule of a SecurityGroupRuleSet
 * or SecurityGroupRule that accepts TCP 22 from 0.0.0.0/0 or ::/0.
 */
export function validateNoSshFromAnywhere(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
    if (args.type === RULE_SET_TYPE) {
        const ingresses = readItems(args.props, "ingresses");
        if (ingresses === UNKNOWN) {
            return;
        }
        ingresses.forEach((item, i) => {
            const found = sshFromAnywhere({
                action: read(item, "action"),
                sources: [read(item, "cidrBlock"), read(item, "ipv6CidrBlock")],
                protocol: read(item, "protocol"),
                port: read(item, "port"),
                template: templateRef(read(item, "serviceTemplateId"), read(item, "serviceTemplateGroup")),
            });
            if (found !== undefined) {
                reportViolation(
                    `SecurityGroupRuleSet "${args.name}": ingresses[${i}] accepts SSH (TCP 22): ${found}. Set its cidrBlock/ipv6CidrBlock to a narrower block or remove the rule. ${ADVICE}`,
                );
            }
        });
    } else if (args.type === RULE_TYPE) {
        const type = knownString(read(args.props, "type"));
        if (type === undefined || type.trim().toLowerCase() !== "ingress") {
            return;
        }
        const protocolTemplate = read(args.props, "protocolTemplate");
        const found = sshFromAnywhere({
            action: read(args.props, "policy"),
            sources: [read(args.props, "cidrIp")],
            protocol: read(args.props, "ipProtocol"),
            port: read(args.props, "portRange"),
            template: templateRef(read(protocolTemplate, "templateId"), read(protocolTemplate, "groupId")),
        });
        if (found !== undefined) {
            reportViolation(
                `SecurityGroupRule "${args.name}" accepts SSH (TCP 22): ${found}. Set cidrIp to a narrower block or remove the rule. ${ADVICE}`,
            );
        }
    }
}

/** The policy as the pack declares it. */
export const noSshFromAnywherePolicy: ResourceValidationPolicy = {
    name: NO_SSH_FROM_ANYWHERE,
    description:
        "Security group rules (SecurityGroupRuleSet ingresses, SecurityGroupRule) must not accept TCP 22 from 0.0.0.0/0 or ::/0.",
    enforcementLevel: "mandatory",
    validateResource: validateNoSshFromAnywhere,
};
