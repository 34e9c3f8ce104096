/// This build's version, reported by `ctr version` and the Version services.
public enum CtrVersion {
    public static let version = "0.1.0"
    /// The source revision; builds from a checkout report "dev".
    public static let revision = "dev"
    /// The CRI API version the CRI plugin and client speak.
    public static let criAPIVersion = "v1"
    /// The runtime name the CRI plugin reports.
    public static let runtimeName = "ctr"
}
