public import Hummingbird
public import NIOCore

/// The context of every request Tailor serves: Hummingbird's core, the peer's address (for the failed-
/// authentication limit, `AuthFailureGuard`), and, on the admin API, who the key belongs to.
public struct TailorRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The address of the connection's other end (a proxy's, behind one); nil in tests that drive the router.
    public let remoteAddress: SocketAddress?
    /// Set by `AdminKeyMiddleware` once the key is checked.
    public var caller: AdminCaller?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
