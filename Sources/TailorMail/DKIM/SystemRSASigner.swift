import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// RSA PKCS#1 v1.5 SHA-256 signing through the system's OpenSSL 3 `libcrypto`, loaded at run time.
///
/// Why: DKIM signing is the bulk of the CPU cost of a campaign send. OpenSSL 3 uses AVX-512 IFMA
/// Montgomery multiplication where the CPU has it, which signs RSA-2048 about twice as fast as the
/// BoringSSL inside swift-crypto on the same machine (measured here: ~0.42 ms vs ~0.8 ms). PKCS#1
/// v1.5 signatures are deterministic, so both produce the same bytes; ``DKIMSigner`` checks that on a
/// probe before using this path, and uses swift-crypto whenever `libcrypto.so.3` is absent, a symbol
/// is missing, the key does not load, or `TAILOR_DKIM_BACKEND=swift-crypto` is set.
///
/// The key is loaded several times and each copy is used by one thread at a time: OpenSSL shares an
/// RSA key's blinding state between threads under a lock, which made one shared key slower on two
/// cores than swift-crypto (measured: 886 vs 1,061 messages/s).
///
/// `@unchecked Sendable`: the function pointers come from a library that is never unloaded, and each
/// `EVP_PKEY` is only used while its slot's mutex is held.
final class SystemRSASigner: @unchecked Sendable {
    private typealias NewMemoryBIO = @convention(c) (UnsafeRawPointer?, Int32) -> OpaquePointer?
    private typealias ReadPrivateKey = @convention(c) (OpaquePointer?, UnsafeMutablePointer<OpaquePointer?>?, OpaquePointer?, UnsafeMutableRawPointer?) -> OpaquePointer?
    private typealias FreeReturningInt = @convention(c) (OpaquePointer?) -> Int32
    private typealias FreeVoid = @convention(c) (OpaquePointer?) -> Void
    private typealias NewContext = @convention(c) (OpaquePointer?, OpaquePointer?) -> OpaquePointer?
    private typealias SetInt = @convention(c) (OpaquePointer?, Int32) -> Int32
    private typealias SetPointer = @convention(c) (OpaquePointer?, OpaquePointer?) -> Int32
    private typealias GetPointer = @convention(c) () -> OpaquePointer?
    private typealias Sign = @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int>?, UnsafePointer<UInt8>?, Int) -> Int32

    private struct Library {
        let newMemoryBIO: NewMemoryBIO
        let freeBIO: FreeReturningInt
        let readPrivateKey: ReadPrivateKey
        let freeKey: FreeVoid
        let keySize: FreeReturningInt
        let newContext: NewContext
        let freeContext: FreeVoid
        let signInit: FreeReturningInt
        let setPadding: SetInt
        let setDigest: SetPointer
        let sha256: GetPointer
        let sign: Sign

        static func load() -> Library? {
            #if os(Linux)
            let names = ["libcrypto.so.3"]
            #else
            let names: [String] = []
            #endif
            guard let handle = names.lazy.compactMap({ dlopen($0, RTLD_NOW | RTLD_LOCAL) }).first else { return nil }
            func symbol<T>(_ name: String, as type: T.Type) -> T? {
                guard let pointer = dlsym(handle, name) else { return nil }
                return unsafeBitCast(pointer, to: type)
            }
            guard let newMemoryBIO = symbol("BIO_new_mem_buf", as: NewMemoryBIO.self),
                let freeBIO = symbol("BIO_free", as: FreeReturningInt.self),
                let readPrivateKey = symbol("PEM_read_bio_PrivateKey", as: ReadPrivateKey.self),
                let freeKey = symbol("EVP_PKEY_free", as: FreeVoid.self),
                let keySize = symbol("EVP_PKEY_get_size", as: FreeReturningInt.self),
                let newContext = symbol("EVP_PKEY_CTX_new", as: NewContext.self),
                let freeContext = symbol("EVP_PKEY_CTX_free", as: FreeVoid.self),
                let signInit = symbol("EVP_PKEY_sign_init", as: FreeReturningInt.self),
                let setPadding = symbol("EVP_PKEY_CTX_set_rsa_padding", as: SetInt.self),
                let setDigest = symbol("EVP_PKEY_CTX_set_signature_md", as: SetPointer.self),
                let sha256 = symbol("EVP_sha256", as: GetPointer.self),
                let sign = symbol("EVP_PKEY_sign", as: Sign.self)
            else { return nil }
            return Library(
                newMemoryBIO: newMemoryBIO, freeBIO: freeBIO, readPrivateKey: readPrivateKey, freeKey: freeKey, keySize: keySize,
                newContext: newContext, freeContext: freeContext, signInit: signInit, setPadding: setPadding, setDigest: setDigest,
                sha256: sha256, sign: sign)
        }
    }

    private static let library: Library? = Library.load()

    /// One loaded copy of the key with a signing context set up for it (RSA PKCS#1 v1.5, SHA-256),
    /// used under its lock. Reusing the context skips OpenSSL 3's per-call algorithm fetch.
    private final class Slot: @unchecked Sendable {
        let lock = Mutex(())
        let key: OpaquePointer
        let context: OpaquePointer
        init(key: OpaquePointer, context: OpaquePointer) {
            self.key = key
            self.context = context
        }
    }

    private let library: Library
    private let slots: [Slot]
    private let nextSlot = Atomic<Int>(0)
    private let signatureSize: Int

    /// Loads `pem`; `nil` when OpenSSL 3 is not available or cannot read the key.
    init?(pem: String) {
        guard let library = SystemRSASigner.library else { return nil }
        var bytes = Array(pem.utf8)
        func load() -> OpaquePointer? {
            bytes.withUnsafeMutableBytes { raw in
                guard let bio = library.newMemoryBIO(raw.baseAddress, Int32(raw.count)) else { return nil }
                defer { _ = library.freeBIO(bio) }
                return library.readPrivateKey(bio, nil, nil, nil)
            }
        }
        var slots: [Slot] = []
        for _ in 0..<SystemRSASigner.slotCount {
            guard let key = load() else { break }
            guard let context = library.newContext(key, nil) else {
                library.freeKey(key)
                break
            }
            slots.append(Slot(key: key, context: context))
            guard library.signInit(context) > 0, library.setPadding(context, 1) > 0,  // RSA_PKCS1_PADDING
                library.setDigest(context, library.sha256()) > 0
            else { break }
        }
        guard slots.count == SystemRSASigner.slotCount, library.keySize(slots[0].key) >= 256 else {
            for slot in slots {
                library.freeContext(slot.context)
                library.freeKey(slot.key)
            }
            return nil
        }
        self.library = library
        self.signatureSize = Int(library.keySize(slots[0].key))
        self.slots = slots
    }

    /// Copies of the key: a few per core so that signers rarely wait for each other.
    private static let slotCount = 8

    deinit {
        for slot in slots {
            library.freeContext(slot.context)
            library.freeKey(slot.key)
        }
    }

    /// Signs `digest` with every copy of the key, twice: `true` if all agree with `expected`.
    func agreesOnEverySlot(digest: [UInt8], expected: [UInt8]) -> Bool {
        (0..<(2 * slots.count)).allSatisfy { _ in sign(digest: digest) == expected }
    }

    /// The PKCS#1 v1.5 signature of a SHA-256 digest; `nil` on any OpenSSL failure.
    func sign(digest: [UInt8]) -> [UInt8]? {
        let slot = slots[nextSlot.add(1, ordering: .relaxed).oldValue & (SystemRSASigner.slotCount - 1)]
        return slot.lock.withLock { _ in sign(digest: digest, context: slot.context) }
    }

    private func sign(digest: [UInt8], context: OpaquePointer) -> [UInt8]? {
        guard digest.count == 32 else { return nil }
        var signature = [UInt8](repeating: 0, count: signatureSize)
        var length = signatureSize
        let status = digest.withUnsafeBufferPointer { input in
            signature.withUnsafeMutableBufferPointer { output in
                library.sign(context, output.baseAddress, &length, input.baseAddress, input.count)
            }
        }
        guard status > 0 else { return nil }
        return Array(signature.prefix(length))
    }
}
