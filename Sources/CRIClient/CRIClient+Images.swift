public import Core
public import API
import GRPCCore

extension CRIClient {
    /// Images the runtime knows, optionally only those matching `reference`.
    public func listImages(reference: String? = nil) async throws(CtrError) -> [Runtime_V1_Image] {
        var request = Runtime_V1_ListImagesRequest()
        if let reference { request.filter.image.image = reference }
        return try await call { try await images.listImages(request, options: options).images }
    }

    /// The image's status; `image` is unset (`hasImage` false) when the runtime does not have it.
    public func imageStatus(_ reference: String, verbose: Bool) async throws(CtrError) -> Runtime_V1_ImageStatusResponse {
        let request = Runtime_V1_ImageStatusRequest.with {
            $0.image.image = reference
            $0.verbose = verbose
        }
        return try await call { try await images.imageStatus(request, options: options) }
    }

    /// Pulls an image; returns the runtime's reference of it (usually its ID). The connection's
    /// timeout applies: none unless `--pull-timeout` set one, as in crictl.
    public func pullImage(
        _ reference: String, auth: Runtime_V1_AuthConfig? = nil, sandboxConfig: Runtime_V1_PodSandboxConfig? = nil
    ) async throws(CtrError) -> String {
        var request = Runtime_V1_PullImageRequest()
        request.image.image = reference
        if let auth { request.auth = auth }
        if let sandboxConfig { request.sandboxConfig = sandboxConfig }
        return try await call { try await images.pullImage(request, options: options).imageRef }
    }

    public func removeImage(_ reference: String) async throws(CtrError) {
        let request = Runtime_V1_RemoveImageRequest.with { $0.image.image = reference }
        _ = try await call { try await images.removeImage(request, options: options) }
    }

    public func imageFsInfo() async throws(CtrError) -> Runtime_V1_ImageFsInfoResponse {
        try await call { try await images.imageFsInfo(Runtime_V1_ImageFsInfoRequest(), options: options) }
    }
}
