/**
 * Example stack: one Windows Server CVM from a Tencent public image, activated against Tencent's
 * KMS. Copy it into your own project; every setting comes from stack config:
 *
 *   pulumi config set availabilityZone ap-guangzhou-3
 *   pulumi config set vpcId vpc-xxxxxxxx
 *   pulumi config set subnetId subnet-xxxxxxxx
 *   pulumi config set --secret password 'Str0ng(Passw0rd)'
 *   pulumi config set windowsVersion 2022          # optional
 *   pulumi config set delivery tat                 # optional: userData (default), tat or ssh
 */
import * as pulumi from "@pulumi/pulumi";
import { ActivatedWindowsServer, Delivery, ImageLanguage, WindowsVersion } from "../../components";

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
