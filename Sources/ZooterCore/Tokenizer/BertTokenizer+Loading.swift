import Foundation

extension BertTokenizer {
    /// Loads the tokenizer of a BERT model folder.
    ///
    /// Vocabulary: `vocab.txt` (line i = id i), else `tokenizer.json`'s `model.vocab`. Options
    /// (lowercase, strip accents, CJK splitting, `max_input_chars_per_word`, special tokens) come
    /// from `tokenizer.json` when present, else `tokenizer_config.json`, else BERT-uncased
    /// defaults. `tokenizer.json`'s `truncation` and `padding` are deliberately ignored: the
    /// sequence limit comes from `sentence_bert_config.json` (see `ModelFolder`).
    static func load(folder: URL) throws -> BertTokenizer {
        let jsonURL = folder.appendingPathComponent("tokenizer.json")
        let fast: TokenizerJSON? = try ModelFolder.decodeIfPresent(TokenizerJSON.self, at: jsonURL, name: "tokenizer.json")
        if let fast, let type = fast.model.type, type != "WordPiece" {
            throw CoreError.modelFile(FileProblem(path: "tokenizer.json", message: "model.type is '\(type)'; only WordPiece (BERT) tokenizers are supported"))
        }
        let vocabularyURL = folder.appendingPathComponent("vocab.txt")
        let vocabulary: [String: Int32]
        var vocabularyFile = "vocab.txt"
        if FileManager.default.fileExists(atPath: vocabularyURL.path) {
            vocabulary = try readVocabularyText(vocabularyURL)
        } else if let vocab = fast?.model.vocab, !vocab.isEmpty {
            vocabulary = vocab
            vocabularyFile = "tokenizer.json"
        } else {
            throw CoreError.modelFile(FileProblem(path: "vocab.txt", message: "file not found in \(folder.path), and there is no tokenizer.json with a WordPiece model.vocab"))
        }

        var normalizer = BertNormalizer()
        if let options = fast?.normalizer {
            guard options.type == "BertNormalizer" else {
                throw CoreError.modelFile(FileProblem(path: "tokenizer.json", message: "normalizer.type is '\(options.type)'; expected BertNormalizer"))
            }
            normalizer.cleanText = options.cleanText ?? true
            normalizer.handleChineseCharacters = options.handleChineseChars ?? true
            normalizer.lowercase = options.lowercase ?? true
            normalizer.stripAccents = options.stripAccents ?? normalizer.lowercase
        } else if let config = try ModelFolder.decodeIfPresent(
            TokenizerConfigJSON.self, at: folder.appendingPathComponent("tokenizer_config.json"),
            name: "tokenizer_config.json") {
            normalizer.lowercase = config.doLowerCase ?? true
            normalizer.handleChineseCharacters = config.tokenizeChineseChars ?? true
            normalizer.stripAccents = config.stripAccents ?? normalizer.lowercase
        }

        func id(of token: String) throws -> Int32 {
            guard let id = vocabulary[token] else {
                throw CoreError.modelFile(FileProblem(path: vocabularyFile, message: "vocabulary has no '\(token)' token"))
            }
            return id
        }
        let unknownToken = fast?.model.unkToken ?? "[UNK]"
        // The vocabulary trie marks "no token" with -1 (ids from vocab.txt are line numbers).
        if let (token, negative) = vocabulary.first(where: { $0.value < 0 }) {
            throw CoreError.modelFile(FileProblem(path: vocabularyFile, message: "token '\(token)' has negative id \(negative)"))
        }
        let wordPiece = WordPiece(
            vocabulary: vocabulary, unknownID: try id(of: unknownToken),
            continuingPrefix: fast?.model.continuingSubwordPrefix ?? "##",
            maxInputCharactersPerWord: fast?.model.maxInputCharsPerWord ?? 100)

        var specials: [String: Int32] = [:]
        if let added = fast?.addedTokens {
            for token in added where token.special ?? false { specials[token.content] = token.id }
        } else {
            for token in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] { specials[token] = vocabulary[token] }
        }
        return BertTokenizer(
            normalizer: normalizer, wordPiece: wordPiece,
            classifierID: try id(of: "[CLS]"), separatorID: try id(of: "[SEP]"),
            specialTokens: specials)
    }

    /// `vocab.txt`: one token per line, id = line number; trailing whitespace trimmed (as
    /// `tokenizers`' `WordPiece::read_file`).
    private static func readVocabularyText(_ url: URL) throws -> [String: Int32] {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw CoreError.modelFile(FileProblem(path: "vocab.txt", message: "cannot be read as UTF-8 text (\(error.localizedDescription))", cause: error))
        }
        var vocabulary: [String: Int32] = [:]
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        vocabulary.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            var token = Substring(line)
            while let last = token.unicodeScalars.last, last.properties.isWhitespace { token.unicodeScalars.removeLast() }
            vocabulary[String(token)] = Int32(index)
        }
        guard !vocabulary.isEmpty else {
            throw CoreError.modelFile(FileProblem(path: "vocab.txt", message: "is empty"))
        }
        return vocabulary
    }
}

/// The parts of a `tokenizers` `tokenizer.json` the BERT tokenizer needs.
struct TokenizerJSON: Decodable {
    struct Model: Decodable {
        var type: String?
        var vocab: [String: Int32]?
        var unkToken: String?
        var continuingSubwordPrefix: String?
        var maxInputCharsPerWord: Int?

        enum CodingKeys: String, CodingKey {
            case type, vocab
            case unkToken = "unk_token"
            case continuingSubwordPrefix = "continuing_subword_prefix"
            case maxInputCharsPerWord = "max_input_chars_per_word"
        }
    }

    struct Normalizer: Decodable {
        var type: String
        var cleanText: Bool?
        var handleChineseChars: Bool?
        var stripAccents: Bool?
        var lowercase: Bool?

        enum CodingKeys: String, CodingKey {
            case type, lowercase
            case cleanText = "clean_text"
            case handleChineseChars = "handle_chinese_chars"
            case stripAccents = "strip_accents"
        }
    }

    struct AddedToken: Decodable {
        var id: Int32
        var content: String
        var special: Bool?
    }

    var model: Model
    var normalizer: Normalizer?
    var addedTokens: [AddedToken]?

    enum CodingKeys: String, CodingKey {
        case model, normalizer
        case addedTokens = "added_tokens"
    }
}

/// `tokenizer_config.json` of slow (Python) BERT tokenizers.
struct TokenizerConfigJSON: Decodable {
    var doLowerCase: Bool?
    var tokenizeChineseChars: Bool?
    var stripAccents: Bool?

    enum CodingKeys: String, CodingKey {
        case doLowerCase = "do_lower_case"
        case tokenizeChineseChars = "tokenize_chinese_chars"
        case stripAccents = "strip_accents"
    }
}
