import Crypto

/// A log-structured flash store (firmware-spec/PROTOCOL.md §9).
///
/// Image: header `"TFFLASH\0" VERSION(2)` then records
/// `"TR" STATE(1) TYPE(1) KEY(1) LEN(2) PAYLOAD CHECK(4)`, CHECK = first 4 bytes of
/// SHA-256(TYPE KEY LEN PAYLOAD). STATE is 0xFF for live records and 0x00 once wiped (PAYLOAD and
/// CHECK then zero). The last live
/// record of a (type, key) wins; an empty payload erases. A record cut short at the end of the image
/// is a write torn by power loss and is dropped; a bad record anywhere else is corruption.
///
/// A write programs the record in 16-byte units, then wipes (zeroes) the records it superseded, so
/// power loss leaves the old value or the new one, and erased secrets do not stay in the image.
public final class FlashStore {
    public struct Key: Hashable, Sendable {
        public let type: UInt8
        public let index: UInt8
        public init(type: UInt8, index: UInt8) {
            self.type = type
            self.index = index
        }
    }

    static let header = Array("TFFLASH\0".utf8) + [0x00, 0x01]
    static let version: UInt16 = 1
    static let programUnit = 16
    /// When the image grows past this, live records are rewritten into a fresh image.
    public static let compactionThreshold = 32 * 1024

    private let medium: FlashMedium
    private var image: [UInt8]
    private var live: [Key: (offset: Int, payload: [UInt8])] = [:]
    /// Remaining 16-byte program steps before a simulated power cut, when armed.
    public var powerCutAfterSteps: Int?

    /// Mounts `medium`, formatting it when empty.
    public init(medium: FlashMedium) throws(FlashError) {
        self.medium = medium
        do { image = try medium.read() } catch let error as FlashError { throw error } catch { throw .foreignImage }
        if image.isEmpty {
            image = Self.header
            try perform {
                try medium.write(Self.header, at: 0)
                try medium.sync()
            }
            return
        }
        guard image.count >= Self.header.count, Array(image[0..<8]) == Array(Self.header[0..<8]) else {
            throw .foreignImage
        }
        let version = UInt16(image[8]) << 8 | UInt16(image[9])
        guard version == Self.version else { throw .unsupportedVersion(version) }
        try scan()
    }

    public func value(_ key: Key) -> [UInt8]? { live[key]?.payload }

    public func keys(ofType type: UInt8) -> [Key] {
        live.keys.filter { $0.type == type }.sorted { $0.index < $1.index }
    }

    /// Writes `payload` for `key` (empty erases), then wipes what it replaced.
    public func write(_ key: Key, _ payload: [UInt8]) throws(FlashError) {
        if image.count > Self.compactionThreshold { try compact() }
        var body = [key.type, key.index, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)] + payload
        body += Array(SHA256.hash(data: body)).prefix(4)
        let record = [0x54, 0x52, 0xFF] + body
        let offset = image.count
        var unit = 0
        while unit < record.count {
            let chunk = Array(record[unit..<min(unit + Self.programUnit, record.count)])
            do {
                try step { try medium.write(chunk, at: offset + unit) }
            } catch {
                // A failed write (power still on) takes back the partial record, so the log
                // stays walkable; after a power cut the torn tail is dropped at the next mount.
                if error != .powerCut {
                    image.removeSubrange(offset...)
                    try? medium.truncate(to: offset)
                }
                throw error
            }
            image += chunk
            unit += Self.programUnit
        }
        // The new record is durable before anything it replaces is wiped.
        try perform { try medium.sync() }
        let replaced = live[key]
        live[key] = payload.isEmpty ? nil : (offset, payload)
        if let replaced { try wipe(recordAt: replaced.offset) }
        if payload.isEmpty { try wipe(recordAt: offset) }
    }

    /// Erases every record but those of `keep`'s types, rewriting the image at once.
    public func erase(keepingTypes keep: Set<UInt8>) throws(FlashError) {
        live = live.filter { keep.contains($0.key.type) }
        try compact()
    }

    private func compact() throws(FlashError) {
        var fresh = Self.header
        var moved: [Key: (offset: Int, payload: [UInt8])] = [:]
        for (key, entry) in live.sorted(by: { $0.value.offset < $1.value.offset }) {
            let start = entry.offset
            let length = 3 + 4 + entry.payload.count + 4
            moved[key] = (fresh.count, entry.payload)
            fresh += image[start..<(start + length)]
        }
        try step { try medium.replace(with: fresh) }
        image = fresh
        live = moved
    }

    /// Marks a record wiped (STATE to zero), then zeroes its payload and check, one program step
    /// each; TYPE, KEY and LEN stay so the log can still be walked.
    private func wipe(recordAt offset: Int) throws(FlashError) {
        try step { try medium.write([0x00], at: offset + 2) }
        image[offset + 2] = 0
        let length = Int(image[offset + 5]) << 8 | Int(image[offset + 6])
        let zeros = [UInt8](repeating: 0, count: length + 4)
        try step { try medium.write(zeros, at: offset + 7) }
        image.replaceSubrange((offset + 7)..<(offset + 7 + zeros.count), with: zeros)
        // Not synced on its own: a wipe lost to a crash is redone when the image is next mounted.
    }

    private func scan() throws(FlashError) {
        var offset = Self.header.count
        var superseded: [Int] = []
        var unscrubbed: [Int] = []
        while offset < image.count {
            let remaining = image.count - offset
            guard remaining >= 7, image[offset] == 0x54, image[offset + 1] == 0x52 else {
                guard remaining < 7, Self.isPrefixOfRecord(image[offset...]) else { throw .corruptRecord(offset: offset) }
                try dropTornTail(at: offset)
                break
            }
            let state = image[offset + 2]
            let length = Int(image[offset + 5]) << 8 | Int(image[offset + 6])
            let end = offset + 7 + length + 4
            guard end <= image.count else {
                try dropTornTail(at: offset)
                break
            }
            if state == 0x00 {
                if image[(offset + 7)..<end].contains(where: { $0 != 0 }) { unscrubbed.append(offset) }
                offset = end
                continue
            }
            let body = Array(image[(offset + 3)..<(end - 4)])
            guard state == 0xFF, Array(SHA256.hash(data: body)).prefix(4).elementsEqual(image[(end - 4)..<end]) else {
                throw .corruptRecord(offset: offset)
            }
            let key = Key(type: body[0], index: body[1])
            if let previous = live[key] { superseded.append(previous.offset) }
            let payload = Array(body[4...])
            if payload.isEmpty {
                live[key] = nil
                superseded.append(offset)
            } else {
                live[key] = (offset, payload)
            }
            offset = end
        }
        // Finish wipes that a power cut interrupted.
        for offset in superseded + unscrubbed { try wipe(recordAt: offset) }
    }

    private static func isPrefixOfRecord(_ bytes: ArraySlice<UInt8>) -> Bool {
        let magic: [UInt8] = [0x54, 0x52]
        return zip(bytes, magic).allSatisfy { $0 == $1 }
    }

    private func dropTornTail(at offset: Int) throws(FlashError) {
        image.removeSubrange(offset...)
        try perform { try medium.truncate(to: offset) }
    }

    /// One program step, failing with `powerCut` once the armed count runs out.
    private func step(_ operation: () throws -> Void) throws(FlashError) {
        if let remaining = powerCutAfterSteps {
            guard remaining > 0 else { throw .powerCut }
            powerCutAfterSteps = remaining - 1
        }
        try perform(operation)
    }

    private func perform(_ operation: () throws -> Void) throws(FlashError) {
        do { try operation() } catch let error as FlashError { throw error } catch {
            throw .io(operation: "flash write", code: 5)
        }
    }
}
