internal import CProtobufC
import Glibc

/// A protobuf-c allocator that refuses to hand out more than `limit` bytes in total for one
/// unpack. Decoding can amplify memory: 4 MiB of two-byte empty submessages unpack to millions
/// of structs and pointers (~30× the wire size). Real messages take a few times their size; a
/// decode past the budget fails cleanly (unpack returns NULL) before the memory exists.
final class DecodeBudget {
    /// Bytes a decode may allocate per byte of input, plus a constant for small messages.
    static let bytesPerInputByte = 8
    static let baseBytes = 64 << 10

    let limit: Int
    private(set) var used = 0
    private(set) var exceeded = false

    init(inputBytes: Int) {
        limit = inputBytes.multipliedReportingOverflow(by: Self.bytesPerInputByte).partialValue + Self.baseBytes
    }

    /// Runs `body` with a protobuf-c allocator charging this budget; the allocator must not
    /// outlive `body` (it points at self, unretained).
    func withAllocator<R, E: Error>(_ body: (UnsafeMutablePointer<ProtobufCAllocator>) throws(E) -> R) throws(E) -> R {
        var allocator = ProtobufCAllocator(
            alloc: { data, size in
                let budget = Unmanaged<DecodeBudget>.fromOpaque(data!).takeUnretainedValue()
                guard size <= budget.limit - budget.used else {
                    budget.exceeded = true
                    return nil
                }
                budget.used += size
                return malloc(size)
            },
            free: { _, pointer in free(pointer) },
            allocator_data: Unmanaged.passUnretained(self).toOpaque())
        defer { withExtendedLifetime(self) {} }
        return try body(&allocator)
    }
}
