import API
import Core
import GRPCCore
import Store
import SwiftProtobuf

/// `containerd.services.images.v1.Images` over the metadata store.
struct ImagesGRPC: Containerd_Services_Images_V1_Images.SimpleServiceProtocol {
    let content: ContentService
    let events: EventExchange
    var metadata: MetadataStore { content.metadata }

    func get(request: Containerd_Services_Images_V1_GetImageRequest, context: ServerContext) async throws
        -> Containerd_Services_Images_V1_GetImageResponse
    {
        let image = try metadata.image(try RequestNamespace.current(), request.name)
        return .with { $0.image = .init(image) }
    }

    func list(request: Containerd_Services_Images_V1_ListImagesRequest, context: ServerContext) async throws
        -> Containerd_Services_Images_V1_ListImagesResponse
    {
        let filters = try Filter.parseAll(request.filters)
        let images = try metadata.images(try RequestNamespace.current()).filter { image in
            Filter.any(filters) { path in Self.field(image, path) }
        }
        return .with { $0.images = images.map { .init($0) } }
    }

    /// Filter fields, as containerd's image adaptor names them.
    static func field(_ image: Image, _ path: [String]) -> String? {
        switch path.first {
        case "name": return image.name
        case "target":
            switch path.dropFirst().first {
            case "digest": return image.target.digest.description
            case "mediatype": return image.target.mediaType
            default: return nil
            }
        case "labels": return path.count >= 2 ? image.labels[path[1...].joined(separator: ".")] : nil
        default: return nil
        }
    }

    func create(request: Containerd_Services_Images_V1_CreateImageRequest, context: ServerContext) async throws
        -> Containerd_Services_Images_V1_CreateImageResponse
    {
        let namespace = try RequestNamespace.current()
        let created = try metadata.createImage(namespace, try Image(request.image))
        events.publish(namespace: namespace, topic: EventTopic.imageCreate, event: Containerd_Services_Images_V1_ImageCreate.with {
            $0.name = created.name
            $0.labels = created.labels
        })
        return .with { $0.image = .init(created) }
    }

    func update(request: Containerd_Services_Images_V1_UpdateImageRequest, context: ServerContext) async throws
        -> Containerd_Services_Images_V1_UpdateImageResponse
    {
        let paths = request.updateMask.paths
        let target = request.image.hasTarget && !request.image.target.digest.isEmpty
            ? try Descriptor(request.image.target) : nil
        let namespace = try RequestNamespace.current()
        let updated = try metadata.updateImage(namespace, name: request.image.name,
                                               target: target, labels: request.image.labels, paths: paths)
        events.publish(namespace: namespace, topic: EventTopic.imageUpdate, event: Containerd_Services_Images_V1_ImageUpdate.with {
            $0.name = updated.name
            $0.labels = updated.labels
        })
        return .with { $0.image = .init(updated) }
    }

    func delete(request: Containerd_Services_Images_V1_DeleteImageRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        let namespace = try RequestNamespace.current()
        try metadata.deleteImage(namespace, request.name)
        events.publish(namespace: namespace, topic: EventTopic.imageDelete,
                       event: Containerd_Services_Images_V1_ImageDelete.with { $0.name = request.name })
        // The image's content goes with it unless something else holds it: now with `sync`.
        if request.sync {
            try content.collectGarbage()
        } else {
            content.scheduleCollection()
        }
        return Google_Protobuf_Empty()
    }
}

/// `io.containerd.grpc.v1.images`.
struct ImagesGRPCPlugin: PluginInstance {
    let content: ContentService
    let events: EventExchange
    var rpcServices: [any RegistrableRPCService] { [ImagesGRPC(content: content, events: events)] }
    var serviceNames: [String] { [Containerd_Services_Images_V1_Images.descriptor.fullyQualifiedService] }

    static let registration = PluginRegistration(type: .grpc, id: "images", requires: [ContentPlugin.type]) { context in
        ImagesGRPCPlugin(content: try context.plugin(ContentPlugin.type, as: ContentPlugin.self).service,
                         events: context.events)
    }
}
