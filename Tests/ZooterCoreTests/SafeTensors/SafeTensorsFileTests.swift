import Foundation
import Testing
@testable import ZooterCore

/// The safetensors reader on synthetic files written to a temp dir at test time, including
/// deliberately broken ones; every error must name the file and the problem.
@Suite("safetensors reader")
struct SafeTensorsFileTests {
    /// Writes `8-byte LE length + header + data` to a fresh temp file.
    static func write(header: String, data: [UInt8], name: String = "model.safetensors", lengthOverride: UInt64? = nil) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zooter-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let headerBytes = Array(header.utf8)
        let length = lengthOverride ?? UInt64(headerBytes.count)
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) }
        bytes += headerBytes + data
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    static func littleEndian(_ values: [UInt16]) -> [UInt8] { values.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }
    static func littleEndian(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32($0))) } }
    }

    static func expectLoadError(_ url: URL, mentions words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: CoreError.self, sourceLocation: sourceLocation) {
            _ = try SafeTensorsFile(url: url)
        }
        #expect(error?.modelFileProblem?.path == "model.safetensors", sourceLocation: sourceLocation)
        for word in words {
            #expect(error?.modelFileProblem?.message.contains(word) == true, "'\(error?.modelFileProblem?.message ?? "no error")' should mention '\(word)'", sourceLocation: sourceLocation)
        }
    }

    @Test func readsF32F16BF16() throws {
        let f32: [Float] = [1.5, -2.25, 0, 3e-3]
        // F16: 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal), +inf, 0.333… (0x3555).
        let f16: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00, 0x3555]
        // BF16: 1.0, -3.0, 1e-38-ish (0x006D), 3.140625 (0x4049).
        let bf16: [UInt16] = [0x3F80, 0xC040, 0x006D, 0x4049]
        let header = """
        {"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},\
        "b":{"dtype":"F16","shape":[6],"data_offsets":[16,28]},"c":{"dtype":"BF16","shape":[4],"data_offsets":[28,36]},\
        "ids":{"dtype":"I64","shape":[1],"data_offsets":[36,44]}}
        """
        let url = try Self.write(header: header, data: Self.littleEndian(f32) + Self.littleEndian(f16) + Self.littleEndian(bf16) + [UInt8](repeating: 0, count: 8))
        let file = try SafeTensorsFile(url: url)
        #expect(try file.floats("a", shape: [2, 2]) == f32)
        let halves = try file.floats("b", shape: [6])
        #expect(halves[0...3] == [1, -2, 65504, 0x1p-24])
        #expect(halves[4] == .infinity)
        #expect(abs(halves[5] - 0.333_251_95) < 1e-7)
        let brains = try file.floats("c", shape: [4])
        #expect(brains[0] == 1 && brains[1] == -3 && brains[3] == 3.140625)
        #expect(brains[2] == Float(bitPattern: 0x006D_0000))
        #expect(throws: CoreError.self) { try file.floats("ids", shape: [1]) }
        let wrongShape = #expect(throws: CoreError.self) { try file.floats("a", shape: [4]) }
        #expect(wrongShape?.modelFileProblem?.message.contains("shape") == true)
        let missing = #expect(throws: CoreError.self) { try file.floats("nope", shape: [1]) }
        #expect(missing?.modelFileProblem?.message.contains("missing tensor 'nope'") == true)
    }

    @Test func f16ConversionIsExactForAllFiniteValues() {
        for bits in UInt16(0)...UInt16.max where (bits >> 10) & 0x1F != 0x1F {
            #expect(Conversion.float(fromFloat16Bits: bits) == Float(Float16(bitPattern: bits)))
        }
    }

    @Test func truncatedFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zooter-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("model.safetensors")
        try Data([1, 2, 3]).write(to: url)
        Self.expectLoadError(url, mentions: ["truncated"])
    }

    @Test func headerLengthPastEnd() throws {
        Self.expectLoadError(try Self.write(header: "{}", data: [], lengthOverride: 4096), mentions: ["header length 4096", "past the end"])
    }

    @Test func badJSON() throws {
        Self.expectLoadError(try Self.write(header: "{\"a\": [1, 2", data: []), mentions: ["not valid"])
        Self.expectLoadError(try Self.write(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", data: [0, 0, 0, 0]), mentions: ["data_offsets"])
    }

    @Test func offsetsOutOfRange() throws {
        let header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}"
        Self.expectLoadError(try Self.write(header: header, data: [UInt8](repeating: 0, count: 8)), mentions: ["'a'", "out of range"])
    }

    @Test func shapeSizeMismatch() throws {
        let header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}"
        Self.expectLoadError(try Self.write(header: header, data: [UInt8](repeating: 0, count: 16)), mentions: ["'a'", "size mismatch"])
    }

    @Test func unknownDType() throws {
        let header = "{\"a\":{\"dtype\":\"Q4_K\",\"shape\":[4],\"data_offsets\":[0,16]}}"
        Self.expectLoadError(try Self.write(header: header, data: [UInt8](repeating: 0, count: 16)), mentions: ["unknown dtype 'Q4_K'"])
    }

    @Test func overlappingTensors() throws {
        let header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}"
        Self.expectLoadError(try Self.write(header: header, data: [UInt8](repeating: 0, count: 16)), mentions: ["overlap"])
    }

    @Test func missingFile() {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zooter-missing-\(UUID().uuidString)/model.safetensors")
        Self.expectLoadError(url, mentions: ["not found"])
    }
}
