// libFuzzer target: protobuf decoding of every message a Zooter server or client reads from the
// network (ZooterWire, protobuf-c underneath). The first input byte picks the message type, the
// rest is the message. Whatever decodes must re-encode and decode again to the same value
// (round trip), else we trap: a server that accepts bytes must be able to produce them.
import ZooterWire

/// Decodes `bytes` as `Message`; traps if a decoded message does not survive encode + decode.
func roundTrip<Message: WireMessage & Equatable>(_: Message.Type, _ bytes: [UInt8]) {
    guard let first = try? Message(wireBytes: bytes) else { return }  // refusing is fine
    let encoded = first.wireBytes()
    let second: Message
    do {
        second = try Message(wireBytes: encoded)
    } catch let error as WireError where error.code == .tooExpensive && encoded.count < bytes.count {
        // The decode budget grows with the bytes received, so unknown fields or overlong varints
        // that our encoding drops bought the input extra budget; its shorter canonical form may
        // be refused. Known and documented (docs/security.md); memory stays bounded either way.
        return
    } catch {
        fatalError("\(Message.self): decoded from \(bytes.count) bytes, but its own \(encoded.count)-byte encoding does not decode: \(error)")
    }
    // A NaN field makes two decodes of the same bytes unequal (`first == first` is no test:
    // Array and Dictionary compare equal to themselves by identity); then only bytes are compared.
    let comparable = (try? Message(wireBytes: bytes)) == first
    if comparable && first != second {
        fatalError("\(Message.self): round trip changed the value:\n\(first)\n\(second)")
    }
    let again = second.wireBytes()
    if again != encoded {
        fatalError("\(Message.self): encoding is not stable (\(encoded.count) then \(again.count) bytes)")
    }
}

/// Requests the services decode (the attack surface), the artifact types LoadModel and the
/// trainer read, then responses (clients decode them; cheap to include).
let decoders: [@Sendable ([UInt8]) -> Void] = [
    { roundTrip(RouteRequest.self, $0) },
    { roundTrip(RouteBatchRequest.self, $0) },
    { roundTrip(LoadModelRequest.self, $0) },
    { roundTrip(ModelInfoRequest.self, $0) },
    { roundTrip(TagRequest.self, $0) },
    { roundTrip(ScoreRequest.self, $0) },
    { roundTrip(TaggerInfoRequest.self, $0) },
    { roundTrip(RewardInfoRequest.self, $0) },
    { roundTrip(HealthCheckRequest.self, $0) },
    { roundTrip(ModelManifest.self, $0) },
    { roundTrip(ModelArtifact.self, $0) },
    { roundTrip(RouteResponse.self, $0) },
    { roundTrip(RouteBatchResponse.self, $0) },
    { roundTrip(LoadModelResponse.self, $0) },
    { roundTrip(ModelInfoResponse.self, $0) },
    { roundTrip(TagResponse.self, $0) },
    { roundTrip(TaggerInfoResponse.self, $0) },
    { roundTrip(ScoreResponse.self, $0) },
    { roundTrip(RewardInfoResponse.self, $0) },
    { roundTrip(HealthCheckResponse.self, $0) },
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    decoders[Int(bytes[0]) % decoders.count](Array(bytes.dropFirst()))
    return 0
}
