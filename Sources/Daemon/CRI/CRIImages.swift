import API
import GRPCCore

/// `runtime.v1.ImageService`. No method is implemented yet (the CRI issue brings them); every call
/// answers UNIMPLEMENTED.
struct CRIImageService: RegistrableRPCService {
    let config: CRIConfig

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {}
}
