/// Every plugin compiled into `ctr daemon`, in registration order.
public enum Builtins {
    public static var registrations: [PluginRegistration] {
        [
            MetadataPlugin.registration,
            ContentPlugin.registration,
            ContentGRPCPlugin.registration,
            ImagesGRPCPlugin.registration,
            LeasesGRPCPlugin.registration,
            EventsGRPCPlugin.registration,
            VersionPlugin.registration,
            NamespacesPlugin.registration,
            IntrospectionPlugin.registration,
            CRIPlugin.registration,
            HealthPlugin.registration,
        ]
    }
}
