/// Every plugin compiled into `ctr daemon`, in registration order.
public enum Builtins {
    public static var registrations: [PluginRegistration] {
        [
            MetadataPlugin.registration,
            ContentPlugin.registration,
            SnapshotterPlugin.registration(.overlayfs),
            SnapshotterPlugin.registration(.native),
            DifferPlugin.registration,
            RuntimePlugin.registration,
            ContentGRPCPlugin.registration,
            ImagesGRPCPlugin.registration,
            LeasesGRPCPlugin.registration,
            SnapshotsGRPCPlugin.registration,
            DiffGRPCPlugin.registration,
            ContainersGRPCPlugin.registration,
            TasksGRPCPlugin.registration,
            EventsGRPCPlugin.registration,
            VersionPlugin.registration,
            NamespacesPlugin.registration,
            IntrospectionPlugin.registration,
            CRIPlugin.registration,
            HealthPlugin.registration,
        ]
    }
}
