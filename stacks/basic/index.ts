/**
 * Example stack: one Windows Server CVM from a Tencent public image, activated against Tencent's
 * KMS. Copy it into your own project as index.ts; every setting comes from stack config:
 *
 *   pulumi config set availabilityZone ap-guangzhou-3       # the zone of the subnet
 *   pulumi config set vpcId vpc-xxxxxxxx
 *   pulumi config set subnetId subnet-xxxxxxxx
 *   pulumi config set --secret password 'Str0ng(Passw0rd)'  # 12-30 chars, 3 of lower/upper/digit/special
 *   pulumi config set windowsVersion 2022          # optional: 2008R2, 2012R2, 2016, 2019, 2022 (default), 2025
 *   pulumi config set imageLanguage en             # optional: zh (default) or en
 *   pulumi config set instanceType S5.MEDIUM4      # optional (the default)
 *   pulumi config set --path 'securityGroupIds[0]' sg-xxxxxxxx   # optional
 *   pulumi config set hostname win-01              # optional: 2-15 letters, digits, '-'
 *   pulumi config set publicIpBandwidthMbps 10     # optional: a public IP (billed by traffic, by the hour)
 * pulumi config set privateIp 10.0.1.10 # optional: a fixed private
 * IP in the subnet (a replacement then deletes the old server first)
 *   pulumi config set delivery tat                 # optional: userData (default), tat or ssh
 *   pulumi config set --path 'sshAllowedCidrs[0]' 198.51.100.0/24  # required with delivery ssh: who may reach TCP 22
 *
 * With delivery ssh the deployment connects to the public IP when there is one (publicIpBandwidthMbps),
 * else to the private IP, so it must run from an address in sshAllowedCidrs that reaches it.
 */
import * as pulumi from "@pulumi/pulumi";
import { ActivatedWindowsServer, Delivery, ImageLanguage, WindowsVersion } from "tencentcloud-windows";

const config = new pulumi.Config();

const server = new ActivatedWindowsServer("win", {
    windowsVersion: (config.get("windowsVersion") ?? "2022") as WindowsVersion,
    imageLanguage: (config.get("imageLanguage") ?? "zh") as ImageLanguage,
    availabilityZone: config.require("availabilityZone"),
    instanceType: config.get("instanceType") ?? "S5.MEDIUM4",
    vpcId: config.require("vpcId"),
    subnetId: config.require("subnetId"),
    securityGroupIds: config.getObject<string[]>("securityGroupIds"),
    password: config.requireSecret("password"),
    hostname: config.get("hostname"),
    publicIpBandwidthMbps: config.getNumber("publicIpBandwidthMbps"),
    tags: { owner: "platform", purpose: "windows" },
    instanceSettings: { privateIp: config.get("privateIp") },
    activation: {
        delivery: (config.get("delivery") ?? "userData") as Delivery,
        sshAllowedCidrs: config.getObject<string[]>("sshAllowedCidrs"),
    },
});

/** Stack outputs: the server, and what its activation reported. */
export const instanceId = server.instanceId;
export const privateIp = server.privateIp;
export const publicIp = server.publicIp;
export const imageId = server.imageId;
export const imageName = server.imageName;
export const activationStatus = server.activationStatus;
export const activationResult = server.activationResult;
export const activationScript = server.activationScript;
