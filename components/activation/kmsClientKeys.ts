/**
 * Microsoft's public KMS client setup keys (GVLKs), by Windows Server version and edition.
 * These keys are published by Microsoft and are not secrets. The script picks one by the
 * build number and the registry `EditionID`, never by the (localized) product name.
 */

/** An edition family, matched against `EditionID` (e.g. `ServerDatacenter`, `ServerStandardCore`). */
export type WindowsEdition = "Standard" | "Datacenter" | "Enterprise";

/** Keys of one Windows Server version and the range of builds it covers. */
export interface VersionKeys {
    /** The version as users write it. */
    version: string;
    /** Lowest `CurrentBuild` of this version. */
    minBuild: number;
    /** Key per edition. */
    keys: Partial<Record<WindowsEdition, string>>;
}

/** Versions from newest to oldest; a build belongs to the first entry whose `minBuild` it reaches. */
export const KMS_CLIENT_KEYS: readonly VersionKeys[] = [
    {
        version: "2025",
        minBuild: 26100,
        keys: { Standard: "TVRH6-WHNXV-R9WG3-9XRFY-MY832", Datacenter: "D764K-2NDRG-47T6Q-P8T8W-YP6DF" },
    },
    {
        version: "2022",
        minBuild: 20348,
        keys: { Standard: "VDYBN-27WPP-V4HQT-9VMD4-VMK7H", Datacenter: "WX4NM-KYWYW-QJJR4-XV3QB-6VM33" },
    },
    {
        version: "2019",
        minBuild: 17763,
        keys: { Standard: "N69G4-B89J2-4G8F4-WWYCC-J464C", Datacenter: "WMDGN-G9PQG-XVVXX-R3X43-63DFG" },
    },
    {
        version: "2016",
        minBuild: 14393,
        keys: { Standard: "WC2BQ-8NRM3-FDDYY-2BFGV-KHKQY", Datacenter: "CB7KF-BWN84-R7R2Y-793K2-8XDDG" },
    },
    {
        version: "2012R2",
        minBuild: 9600,
        keys: { Standard: "D2N9P-3P6X9-2R39C-7RTCD-MDVJX", Datacenter: "W3GGN-FT8W3-Y4M27-J84CP-Q3VJ9" },
    },
    {
        version: "2012",
        minBuild: 9200,
        keys: { Standard: "XC9B7-NBPP2-83J2H-RHMBY-92BT4", Datacenter: "48HP8-DN98B-MYWDG-T2DCC-8W83P" },
    },
    {
        version: "2008R2",
        minBuild: 7600,
        keys: {
            Standard: "YC6KT-GKW9T-YTKYR-T4X34-R7VHC",
            Datacenter: "74YFP-3QFB3-KQT8W-PMXWJ-7M648",
            Enterprise: "489J6-VHDMP-X63PK-3K798-CPX3Y",
        },
    },
];

/** The oldest build the activation procedure supports (Windows Server 2008 R2 RTM). */
export const MIN_SUPPORTED_BUILD = 7600;
