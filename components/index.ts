/**
 * tencentcloud-windows: Pulumi components for Windows Server CVMs on Tencent Cloud that come up
 * with their clock synced and Windows activated against Tencent's KMS.
 */
export { ActivatedWindowsServer } from "./activatedWindowsServer";
export { WindowsActivation } from "./windowsActivation";
export { ActivationMode, WindowsActivationArgs } from "./fleetArgs";
export { FleetFailure, FleetSummary, InstanceActivation } from "./fleet/fleetReport";
export { ActivatedWindowsServerArgs, InstanceSettings, OWNED_INSTANCE_ARGS } from "./serverArgs";
export { ActivationSettings, Delivery, SshHost, TatActivationSettings } from "./activationArgs";
export { ActivationScriptOptions, DEFAULT_ACTIVATION_SCRIPT_OPTIONS } from "./activation/options";
export { renderActivationScript, ACTIVATION_LOG_PATH } from "./activation/script";
export { EXIT_CODES, ExitCodeInfo } from "./activation/exitCodes";
export {
    ActivationDiagnosis,
    ActivationResult,
    ActivationResultError,
    parseActivationOutput,
    parseDiagnosisOutput,
} from "./activation/result";
export { ActivationStatus } from "./activation/report";
export { ImageEdition, ImageLanguage, WindowsVersion } from "./images/imageNames";
export { ArgumentError } from "./validation";
export { CAM_FEATURES, CamFeature, camPolicy } from "./permissions";
