internal import CProtobufC

// The one place where protobuf-c's unpack/free/pack are called. Per-message code only
// copies fields between a C struct and a Swift struct, through the helpers in
// CBridge+Fields.swift. Lifetimes:
// - decode: the C tree returned by `*_unpack` lives until the `defer` that calls
//   `*_free_unpacked` (exactly once, also on a thrown error); everything is copied out first.
// - encode: the C tree is built in stack memory plus `CArena` blocks, packed, then the
//   arena frees its blocks in its deinit. Nothing C-owned escapes either function.

/// The protoc-c generated entry points of one message type `C`.
struct CMessageFunctions<C> {
    let initialize: (UnsafeMutablePointer<C>?) -> Void
    let packedSize: (UnsafePointer<C>?) -> Int
    let pack: (UnsafePointer<C>?, UnsafeMutablePointer<UInt8>?) -> Int
    let unpack: (UnsafeMutablePointer<ProtobufCAllocator>?, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<C>?
    let freeUnpacked: (UnsafeMutablePointer<C>?, UnsafeMutablePointer<ProtobufCAllocator>?) -> Void
}

/// A Swift message type backed by the protobuf-c struct `CMessage`.
protocol CBacked: WireMessage {
    associatedtype CMessage
    static var cFunctions: CMessageFunctions<CMessage> { get }
    /// Copies (and validates) a C struct that is owned by someone else.
    init(c: CMessage) throws(WireError)
    /// Writes self into an initialised C struct; any memory it points to comes from `arena`.
    func fill(_ c: inout CMessage, _ arena: inout CArena)
}

extension CBacked {
    /// Decodes `bytes` with protobuf-c, then copies the C tree into Swift values.
    static func decode(_ bytes: [UInt8]) throws(WireError) -> Self {
        let functions = cFunctions
        let budget = DecodeBudget(inputBytes: bytes.count)
        return try budget.withAllocator { allocator throws(WireError) -> Self in
            let unpacked = bytes.withUnsafeBufferPointer { buffer in
                // protobuf-c reads nothing when the length is 0, so a nil base address is fine.
                functions.unpack(allocator, buffer.count, buffer.baseAddress)
            }
            // NULL is protobuf-c's only failure signal (it says nothing about where).
            guard let unpacked else {
                if budget.exceeded {
                    throw WireError.tooExpensive(String(describing: Self.self), byteCount: bytes.count, budget: budget.limit)
                }
                throw WireError.malformed(String(describing: Self.self), byteCount: bytes.count)
            }
            defer { functions.freeUnpacked(unpacked, allocator) }
            return try Self(c: unpacked.pointee)
        }
    }

    /// Builds the C tree for self and packs it.
    func encode() -> [UInt8] {
        let functions = Self.cFunctions
        return withUnsafeTemporaryAllocation(of: CMessage.self, capacity: 1) { buffer in
            guard let c = buffer.baseAddress else { preconditionFailure("temporary allocation of 1 element failed") }
            functions.initialize(c)  // writes the whole struct (the generated *_INIT value)
            var arena = CArena()
            fill(&c.pointee, &arena)
            let size = functions.packedSize(c)
            guard size > 0 else { return [] }
            return [UInt8](unsafeUninitializedCapacity: size) { out, count in
                count = functions.pack(c, out.baseAddress)
                precondition(count == size, "protobuf-c packed \(count) bytes, announced \(size)")
            }
        }
    }

    /// Allocates and fills the C struct for a nested message inside `arena`.
    func cMessage(in arena: inout CArena) -> UnsafeMutablePointer<CMessage> {
        let c = arena.allocate(CMessage.self, count: 1)
        Self.cFunctions.initialize(c)
        fill(&c.pointee, &arena)
        return c
    }
}

/// Owns the C memory an outgoing C tree points into (strings, arrays, nested structs) until
/// the tree is packed. Not copyable, so the blocks are freed exactly once, in deinit.
struct CArena: ~Copyable {
    private var blocks: [UnsafeMutableRawPointer] = []

    init() {}

    deinit {
        for block in blocks { block.deallocate() }
    }

    /// Uninitialised memory for `count` (> 0) values of the trivial C type `T`.
    mutating func allocate<T>(_: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let block = UnsafeMutableRawPointer.allocate(
            byteCount: MemoryLayout<T>.stride * count, alignment: MemoryLayout<T>.alignment)
        blocks.append(block)
        return block.bindMemory(to: T.self, capacity: count)
    }

    /// A NUL-terminated copy of `string`'s UTF-8.
    mutating func cString(_ string: String) -> UnsafeMutablePointer<CChar> {
        let utf8 = string.utf8
        let count = utf8.count
        let c = allocate(CChar.self, count: count + 1)
        UnsafeMutableRawPointer(c).withMemoryRebound(to: UInt8.self, capacity: count + 1) { bytes in
            let copied = UnsafeMutableBufferPointer(start: bytes, count: count).initialize(from: utf8).1
            precondition(copied == count, "String.utf8 changed its count")
            bytes[count] = 0
        }
        return c
    }

    /// Points a singular string field at a copy of `string`; leaves the generated default
    /// (protobuf-c's shared empty string) in place for "", which proto3 does not encode.
    mutating func setString(_ field: inout UnsafeMutablePointer<CChar>?, _ string: String) {
        if !string.isEmpty { field = cString(string) }
    }

    /// `char **` plus count for a repeated string field; nil for none.
    mutating func cStrings(_ strings: [String]) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) {
        guard !strings.isEmpty else { return (0, nil) }
        let array = allocate(UnsafeMutablePointer<CChar>?.self, count: strings.count)
        for (i, string) in strings.enumerated() { (array + i).initialize(to: cString(string)) }
        return (strings.count, array)
    }

    /// A protobuf-c `bytes` value holding a copy of `bytes`.
    mutating func cBytes(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        guard !bytes.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        let c = allocate(UInt8.self, count: bytes.count)
        bytes.withUnsafeBufferPointer { _ = UnsafeMutableBufferPointer(start: c, count: $0.count).initialize(from: $0) }
        return ProtobufCBinaryData(len: bytes.count, data: c)
    }

    /// `T **` plus count for a repeated message field; nil for none.
    mutating func cMessages<M: CBacked>(_ messages: [M]) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<M.CMessage>?>?) {
        guard !messages.isEmpty else { return (0, nil) }
        let array = allocate(UnsafeMutablePointer<M.CMessage>?.self, count: messages.count)
        for (i, message) in messages.enumerated() { (array + i).initialize(to: message.cMessage(in: &self)) }
        return (messages.count, array)
    }
}
