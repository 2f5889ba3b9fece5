internal import CProtobufC

// Copying fields out of an unpacked protobuf-c tree. The pointers are valid only until
// `*_free_unpacked`, so everything is copied into Swift values here. `field` names the
// field for error messages as "Type.field".

/// A string field: validated UTF-8, NULL (never set by protobuf-c, but cheap to allow) → "".
@inline(__always)
func swiftString(_ c: UnsafePointer<CChar>?, field: @autoclosure () -> String) throws(WireError) -> String {
    guard let c else { return "" }
    if c.pointee == 0 { return "" }
    guard let string = String(validatingCString: c) else { throw .invalidUTF8(field: field()) }
    return string
}

/// A repeated string field.
func swiftStrings(
    _ count: Int, _ array: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, field: String
) throws(WireError) -> [String] {
    guard count > 0, let array else { return [] }
    var strings: [String] = []
    strings.reserveCapacity(count)
    for i in 0..<count {
        strings.append(try swiftString(array[i], field: "\(field)[\(i)]"))
    }
    return strings
}

/// A bytes field.
func swiftBytes(_ c: ProtobufCBinaryData) -> [UInt8] {
    guard c.len > 0, let data = c.data else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: c.len))
}

/// A singular message field; nil when absent. Errors inside are re-rooted at `field`.
func swiftMessage<M: CBacked>(
    _ c: UnsafeMutablePointer<M.CMessage>?, field: String
) throws(WireError) -> M? {
    guard let c else { return nil }
    do {
        return try M(c: c.pointee)
    } catch {
        throw error.nested(at: field)
    }
}

/// A repeated message field. Errors inside are re-rooted at `field[i]`.
func swiftMessages<M: CBacked>(
    _ count: Int, _ array: UnsafeMutablePointer<UnsafeMutablePointer<M.CMessage>?>?, field: String
) throws(WireError) -> [M] {
    guard count > 0, let array else { return [] }
    var messages: [M] = []
    messages.reserveCapacity(count)
    for i in 0..<count {
        guard let element = array[i] else {
            // protobuf-c fills every slot it counts; a hole would be a protobuf-c bug.
            preconditionFailure("protobuf-c returned a NULL element in \(field)[\(i)]")
        }
        do {
            messages.append(try M(c: element.pointee))
        } catch {
            throw error.nested(at: "\(field)[\(i)]")
        }
    }
    return messages
}

// Enums: protobuf-c stores the wire's int32 in a C enum that Swift imports with a UInt32
// raw value; unknown numbers (proto3 open enums) are kept as they are.

/// The proto enum number of a C enum raw value.
@inline(__always)
func swiftEnumNumber(_ raw: UInt32) -> Int { Int(Int32(bitPattern: raw)) }

/// The C enum raw value of a proto enum number (numbers outside Int32 are truncated, as
/// the proto spec makes enums int32).
@inline(__always)
func cEnumNumber(_ number: Int) -> UInt32 { UInt32(bitPattern: Int32(truncatingIfNeeded: number)) }
