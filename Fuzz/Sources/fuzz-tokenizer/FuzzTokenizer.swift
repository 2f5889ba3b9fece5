// libFuzzer target: the BERT tokenizer (ZooterCore's BertTokenizer) on arbitrary text, as every
// Route, Tag and Score query reaches it. The input bytes are decoded as UTF-8 (invalid sequences
// become U+FFFD, as String(decoding:) does for text a server received).
//
// The tokenizer is loaded once, from $ZOOTER_MODEL_DIR or models/all-MiniLM-L6-v2 of this checkout.
import Foundation
@testable import ZooterCore

let modelFolder = ProcessInfo.processInfo.environment["ZOOTER_MODEL_DIR"].map { URL(fileURLWithPath: $0) }
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("models/all-MiniLM-L6-v2")

let tokenizer: BertTokenizer = {
    do { return try BertTokenizer.load(folder: modelFolder) } catch {
        fatalError("fuzz-tokenizer: cannot load the tokenizer from \(modelFolder.path): \(error)")
    }
}()
/// Every id the vocabulary defines.
let vocabularyIDs = Set(tokenizer.wordPiece.vocabulary.values)
/// The same tokenizer normalising in tiny chunks: chunking is an optimisation, so the ids must not
/// change (production uses 1024-scalar chunks, which a 4 KB fuzz input rarely crosses).
let smallChunks: BertTokenizer = {
    var copy = tokenizer
    copy.chunkLength = 5
    return copy
}()

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// `encode(text, maxLength:)` must equal the untruncated encoding cut to `maxLength` (the
/// tokenizer stops early and promises the same ids as tokenising everything and truncating).
func checkTruncation(_ text: String, full: [Int32], maxLength: Int) {
    var work = TokenizerWork()
    let ids = tokenizer.encode(text, maxLength: maxLength, work: &work)
    check(ids.count >= 2 && ids.count <= maxLength, "maxLength \(maxLength): \(ids.count) ids")
    let expected = full.count <= maxLength ? full : Array(full.prefix(maxLength - 1)) + [tokenizer.separatorID]
    check(ids == expected, "maxLength \(maxLength): \(ids) is not the truncated full encoding \(expected)")
    // The bound TokenizerWorkBoundTests states: work follows the pieces kept, not the text.
    let maxWord = tokenizer.wordPiece.maxInputCharactersPerWord
    check(work.normalizedScalars <= tokenizer.chunkLength + maxLength * (maxWord + 1),
          "maxLength \(maxLength): \(work.normalizedScalars) scalars normalised")
}

/// Called by libFuzzer once before the first input: the tokenizer is loaded before leak
/// checking starts, so one-time startup allocations are not reported per input.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    _ = (tokenizer, vocabularyIDs, smallChunks)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var work = TokenizerWork()
    let full = tokenizer.encode(text, maxLength: nil, work: &work)
    check(full.count >= 2 && full.first == tokenizer.classifierID && full.last == tokenizer.separatorID,
          "unbounded encoding lacks [CLS] … [SEP]: \(full)")
    check(full.allSatisfy(vocabularyIDs.contains), "id outside the vocabulary in \(full)")
    // Linear, once: each scalar is normalised at most once.
    check(work.normalizedScalars <= text.unicodeScalars.count, "\(work.normalizedScalars) scalars normalised of \(text.unicodeScalars.count)")
    checkTruncation(text, full: full, maxLength: 256)  // the encoder's limit
    checkTruncation(text, full: full, maxLength: 8)    // reached by short inputs too
    check(smallChunks.encode(text, maxLength: nil) == full, "chunk length changes the ids")
    return 0
}
