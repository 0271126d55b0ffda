internal import CLibCrypto

/// HMAC (RFC 2104) with the key's inner and outer padded blocks hashed once.
///
/// Each MAC then copies the two saved hash states and hashes only the message and the inner
/// digest: two compression calls for an 8-byte HOTP counter with SHA-1. The saved states are
/// key material, so they are wiped when the value is freed.
final class PrecomputedHMAC<Hash: MidstateHash>: @unchecked Sendable {
    // Written only in init and deinit, so sharing across threads is safe.
    private var inner = Hash.newContext()
    private var outer = Hash.newContext()

    init(key: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(byteCount: Hash.blockSize, alignment: 8) { block in
            block.initializeMemory(as: UInt8.self, repeating: 0)
            if key.count > Hash.blockSize {
                var context = Hash.newContext()
                Hash.initialize(&context)
                Hash.update(&context, key)
                Hash.finalize(&context, into: block)
                Self.wipe(&context)
            } else if key.count > 0 {
                block.copyMemory(from: key)
            }
            for (pad, isInner) in [(UInt8(0x36), true), (UInt8(0x5C), false)] {
                var padded = [UInt8](repeating: 0, count: Hash.blockSize)
                for index in 0..<Hash.blockSize { padded[index] = block[index] ^ pad }
                var context = Hash.newContext()
                Hash.initialize(&context)
                padded.withUnsafeBytes { Hash.update(&context, $0) }
                padded.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
                if isInner { inner = context } else { outer = context }
                Self.wipe(&context)
            }
            OPENSSL_cleanse(block.baseAddress, block.count)
        }
    }

    deinit {
        Self.wipe(&inner)
        Self.wipe(&outer)
    }

    /// Calls `body` with HMAC(key, message), in a buffer wiped afterwards.
    func authenticate<Result>(_ message: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        withUnsafeTemporaryAllocation(byteCount: Hash.digestSize, alignment: 8) { digest in
            var context = inner
            Hash.update(&context, message)
            Hash.finalize(&context, into: digest)
            context = outer
            Hash.update(&context, UnsafeRawBufferPointer(digest))
            Hash.finalize(&context, into: digest)
            Self.wipe(&context)
            defer { OPENSSL_cleanse(digest.baseAddress, digest.count) }
            return body(UnsafeRawBufferPointer(digest))
        }
    }

    private static func wipe(_ context: inout Hash.Context) {
        withUnsafeMutableBytes(of: &context) { OPENSSL_cleanse($0.baseAddress, $0.count) }
    }
}

/// A hash function whose running state is a plain value that can be copied.
protocol MidstateHash {
    associatedtype Context
    static var blockSize: Int { get }
    static var digestSize: Int { get }
    static func newContext() -> Context
    static func initialize(_ context: inout Context)
    static func update(_ context: inout Context, _ data: UnsafeRawBufferPointer)
    static func finalize(_ context: inout Context, into digest: UnsafeMutableRawBufferPointer)
}

enum SHA1Midstate: MidstateHash {
    typealias Context = SHA_CTX
    static func newContext() -> SHA_CTX { SHA_CTX() }
    static let blockSize = Int(SHA_CBLOCK)
    static let digestSize = Int(SHA_DIGEST_LENGTH)
    static func initialize(_ context: inout SHA_CTX) { SHA1_Init(&context) }
    static func update(_ context: inout SHA_CTX, _ data: UnsafeRawBufferPointer) {
        SHA1_Update(&context, data.baseAddress, data.count)
    }
    static func finalize(_ context: inout SHA_CTX, into digest: UnsafeMutableRawBufferPointer) {
        SHA1_Final(digest.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
    }
}

enum SHA256Midstate: MidstateHash {
    typealias Context = SHA256_CTX
    static func newContext() -> SHA256_CTX { SHA256_CTX() }
    static let blockSize = Int(SHA256_CBLOCK)
    static let digestSize = Int(SHA256_DIGEST_LENGTH)
    static func initialize(_ context: inout SHA256_CTX) { SHA256_Init(&context) }
    static func update(_ context: inout SHA256_CTX, _ data: UnsafeRawBufferPointer) {
        SHA256_Update(&context, data.baseAddress, data.count)
    }
    static func finalize(_ context: inout SHA256_CTX, into digest: UnsafeMutableRawBufferPointer) {
        SHA256_Final(digest.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
    }
}

enum SHA512Midstate: MidstateHash {
    typealias Context = SHA512_CTX
    static func newContext() -> SHA512_CTX { SHA512_CTX() }
    static let blockSize = Int(SHA512_CBLOCK)
    static let digestSize = Int(SHA512_DIGEST_LENGTH)
    static func initialize(_ context: inout SHA512_CTX) { SHA512_Init(&context) }
    static func update(_ context: inout SHA512_CTX, _ data: UnsafeRawBufferPointer) {
        SHA512_Update(&context, data.baseAddress, data.count)
    }
    static func finalize(_ context: inout SHA512_CTX, into digest: UnsafeMutableRawBufferPointer) {
        SHA512_Final(digest.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
    }
}
