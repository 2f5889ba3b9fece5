public import Foundation

extension RoutingDataset {
    /// Reads `models.json`, `routing.jsonl` and, when present, `experts.json` from `directory`.
    ///
    /// Every line is validated; the first problem is thrown as a `DatasetProblem` naming file and line.
    /// Blank lines are allowed (they hold no record); nothing else is skipped.
    /// - Parameter keepResponses: false drops response texts after validation (saves memory when
    ///   rewards are all present and only training/evaluation follows).
    public static func load(directory: URL, keepResponses: Bool = true) throws(CoreError) -> RoutingDataset {
        let modelsURL = directory.appendingPathComponent("models.json")
        let experts = try readModelList(modelsURL)
        let routingURL = directory.appendingPathComponent("routing.jsonl")
        var examples = try readRoutingLines(routingURL, experts: experts, keepResponses: keepResponses)
        LoggedRewards.complete(&examples, expertCount: experts.count)
        let expertsURL = directory.appendingPathComponent("experts.json")
        var facts: [ExpertFacts]? = nil
        if FileManager.default.fileExists(atPath: expertsURL.path) {
            facts = try readExpertFacts(expertsURL, experts: experts)
        }
        return RoutingDataset(experts: experts, examples: examples, expertFacts: facts,
                              identity: try DatasetIdentity.of(directory: directory))
    }

    static func readFile(_ url: URL) throws(CoreError) -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw CoreError.dataset(DatasetProblem(code: .fileUnreadable, file: url.path,
                               message: "cannot read file (\(error.localizedDescription))", cause: error))
        }
    }

    static func readModelList(_ url: URL) throws(CoreError) -> [String] {
        let data = try readFile(url)
        let names: [String]
        do {
            names = try JSONDecoder().decode([String].self, from: data)
        } catch {
            throw CoreError.dataset(DatasetProblem(code: .invalidModelList, file: url.path,
                               message: "must be a JSON list of model names (\(describe(error)))"))
        }
        guard !names.isEmpty else {
            throw CoreError.dataset(DatasetProblem(code: .invalidModelList, file: url.path, message: "lists no models"))
        }
        var seen = Set<String>()
        for name in names {
            guard !name.isEmpty else {
                throw CoreError.dataset(DatasetProblem(code: .invalidModelList, file: url.path, message: "contains an empty model name"))
            }
            guard seen.insert(name).inserted else {
                throw CoreError.dataset(DatasetProblem(code: .invalidModelList, file: url.path, message: "lists model \"\(name)\" twice"))
            }
        }
        return names
    }

    static func readExpertFacts(_ url: URL, experts: [String]) throws(CoreError) -> [ExpertFacts] {
        let data = try readFile(url)
        let entries: [ExpertFacts]
        do {
            entries = try JSONDecoder().decode([ExpertFacts].self, from: data)
        } catch {
            throw CoreError.dataset(DatasetProblem(code: .invalidField, file: url.path,
                               message: "must be a JSON list of {name, params_b, kind, cost_usd_per_query} objects (\(describe(error)))"))
        }
        var byName: [String: ExpertFacts] = [:]
        for entry in entries {
            guard experts.contains(entry.name) else {
                throw CoreError.dataset(DatasetProblem(code: .unknownModel, file: url.path,
                                   message: "describes model \"\(entry.name)\" which models.json does not list"))
            }
            if let price = entry.costUSDPerQuery, !(price.isFinite && price >= 0) {
                throw CoreError.dataset(DatasetProblem(code: .invalidField, file: url.path,
                                   message: "cost_usd_per_query of \"\(entry.name)\" must be a finite number ≥ 0 (got \(price))"))
            }
            byName[entry.name] = entry
        }
        // Models without an entry get empty facts: experts.json is optional information.
        return experts.map { byName[$0] ?? ExpertFacts(name: $0) }
    }

    static func readRoutingLines(_ url: URL, experts: [String],
                                 keepResponses: Bool) throws(CoreError) -> [RoutingExample] {
        let data = try readFile(url)
        let file = url.path
        let expertIndex = Dictionary(uniqueKeysWithValues: experts.enumerated().map { ($1, $0) })
        let decoder = JSONDecoder()
        var examples: [RoutingExample] = []
        var firstLineOfID: [String: Int] = [:]
        var start = data.startIndex
        var lineNumber = 0
        while start < data.endIndex {
            lineNumber += 1
            let end = data[start...].firstIndex(of: 0x0A) ?? data.endIndex
            var lineData = data[start..<end]
            start = end < data.endIndex ? data.index(after: end) : end
            if lineData.last == 0x0D { lineData = lineData.dropLast() }
            if lineData.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }

            let raw: RawRoutingLine
            do {
                raw = try decoder.decode(RawRoutingLine.self, from: Data(lineData))
            } catch {
                if containsNonFiniteNumber(lineData) {
                    throw CoreError.dataset(DatasetProblem(code: .nonFiniteReward, file: file, line: lineNumber,
                                       message: "line holds a non-finite number (NaN, Infinity or beyond Double range); "
                                           + "JSON numbers, and rewards in particular, must be finite"))
                }
                throw CoreError.dataset(DatasetProblem(code: .invalidJSON, file: file,
                                   line: lineNumber, message: describe(error)))
            }
            let example = try validate(raw, file: file, line: lineNumber, experts: experts,
                                       expertIndex: expertIndex, keepResponses: keepResponses)
            if let first = firstLineOfID[example.id] {
                throw CoreError.dataset(DatasetProblem(code: .duplicateID, file: file, line: lineNumber,
                                   message: "id \"\(example.id)\" already used on line \(first)"))
            }
            firstLineOfID[example.id] = lineNumber
            examples.append(example)
        }
        guard !examples.isEmpty else {
            throw CoreError.dataset(DatasetProblem(code: .empty, file: file, message: "holds no queries"))
        }
        return examples
    }

    private static func validate(_ raw: RawRoutingLine, file: String, line: Int, experts: [String],
                                 expertIndex: [String: Int],
                                 keepResponses: Bool) throws(CoreError) -> RoutingExample {
        func fail(_ code: DatasetProblem.Code, _ message: String) -> CoreError {
            .dataset(DatasetProblem(code: code, file: file, line: line, message: message))
        }
        guard let id = raw.id, !id.isEmpty else { throw fail(.missingField, "missing or empty \"id\"") }
        guard let query = raw.query else { throw fail(.missingField, "id \"\(id)\": missing \"query\"") }
        guard !query.allSatisfy(\.isWhitespace) else {
            throw fail(.invalidField, "id \"\(id)\": \"query\" is empty")
        }
        if let propensities = raw.propensities {
            return try validateLogged(raw, id: id, query: query, propensities: propensities, expertIndex: expertIndex, fail: fail)
        }
        guard raw.rewards != nil || raw.responses != nil else {
            throw fail(.noRewardsOrResponses, "id \"\(id)\": needs \"rewards\" or \"responses\" (has neither)")
        }
        if let responses = raw.responses {
            for name in responses.keys.sorted() where expertIndex[name] == nil {
                throw fail(.unknownModel, "id \"\(id)\": response for model \"\(name)\" not listed in models.json")
            }
            if raw.rewards == nil, let missing = experts.first(where: { responses[$0] == nil }) {
                throw fail(.missingReward,
                           "id \"\(id)\": no rewards and no response from model \"\(missing)\" to score")
            }
        }
        var rewardRow: [Double]? = nil
        if let rewards = raw.rewards {
            for name in rewards.keys.sorted() where expertIndex[name] == nil {
                throw fail(.unknownModel, "id \"\(id)\": reward for model \"\(name)\" not listed in models.json")
            }
            var row = [Double](repeating: 0, count: experts.count)
            for (index, name) in experts.enumerated() {
                guard let value = rewards[name] else {
                    throw fail(.missingReward, "id \"\(id)\": no reward for model \"\(name)\"")
                }
                guard value.isFinite else {
                    throw fail(.nonFiniteReward, "id \"\(id)\": reward for model \"\(name)\" is not finite (\(value))")
                }
                row[index] = value
            }
            rewardRow = row
        }
        var costRow: [Double]? = nil
        if let costs = raw.costs {
            // Realised costs are all or nothing per line: a partial row would make the cheaper
            // expert look free.
            var row = [Double](repeating: 0, count: experts.count)
            for name in costs.keys.sorted() where expertIndex[name] == nil {
                throw fail(.unknownModel, "id \"\(id)\": cost for model \"\(name)\" not listed in models.json")
            }
            for (index, name) in experts.enumerated() {
                guard let value = costs[name] else { throw fail(.invalidField, "id \"\(id)\": no cost for model \"\(name)\"") }
                guard value.isFinite, value >= 0 else {
                    throw fail(.invalidField, "id \"\(id)\": cost for model \"\(name)\" must be a finite number ≥ 0 (got \(value))")
                }
                row[index] = value
            }
            costRow = row
        }
        return RoutingExample(id: id, query: query, source: raw.source ?? nil, tags: raw.tags ?? [],
                              responses: keepResponses ? raw.responses : nil, rewards: rewardRow, costs: costRow)
    }

    /// A line of logged traffic (the gateway's `export`): rewards only for the experts that
    /// answered, each with the probability it was chosen with.
    private static func validateLogged(_ raw: RawRoutingLine, id: String, query: String, propensities: [String: Double],
                                       expertIndex: [String: Int],
                                       fail: (DatasetProblem.Code, String) -> CoreError) throws(CoreError) -> RoutingExample {
        guard let rewards = raw.rewards, !rewards.isEmpty else {
            throw fail(.missingReward, "id \"\(id)\": a line with \"propensities\" needs the \"rewards\" of the experts that answered")
        }
        guard Set(rewards.keys) == Set(propensities.keys) else {
            throw fail(.invalidField, "id \"\(id)\": \"rewards\" and \"propensities\" must name the same experts")
        }
        var logged: [Int: LoggedReward] = [:]
        for name in rewards.keys.sorted() {
            guard let index = expertIndex[name] else {
                throw fail(.unknownModel, "id \"\(id)\": reward for model \"\(name)\" not listed in models.json")
            }
            let reward = rewards[name]!, propensity = propensities[name]!
            guard reward.isFinite else { throw fail(.nonFiniteReward, "id \"\(id)\": reward for model \"\(name)\" is not finite") }
            guard propensity > 0, propensity <= 1 else {
                throw fail(.invalidField, "id \"\(id)\": propensity of model \"\(name)\" must be in (0, 1] (got \(propensity))")
            }
            logged[index] = LoggedReward(reward: reward, propensity: propensity)
        }
        return RoutingExample(id: id, query: query, source: raw.source ?? nil, tags: raw.tags ?? [], logged: logged)
    }

    /// True when the bytes contain `NaN`/`Infinity` outside a string or a number whose decimal
    /// exponent is ≥ 309 (what Python's json writes for non-finite floats, or an overflow), so a
    /// failed parse can be explained.
    static func containsNonFiniteNumber(_ bytes: Data) -> Bool {
        let text = [UInt8](bytes)
        var inString = false, escaped = false
        var i = 0
        func matches(_ word: String, at index: Int) -> Bool {
            let w = Array(word.utf8)
            return index + w.count <= text.count && Array(text[index..<(index + w.count)]) == w
        }
        while i < text.count {
            let c = text[i]
            if inString {
                if escaped { escaped = false } else if c == 0x5C { escaped = true } else if c == 0x22 { inString = false }
            } else if c == 0x22 {
                inString = true
            } else if matches("NaN", at: i) || matches("Infinity", at: i) {
                return true
            } else if (c == 0x65 || c == 0x45), i > 0, (0x30...0x39).contains(text[i - 1]) || text[i - 1] == 0x2E {
                var j = i + 1
                if j < text.count, text[j] == 0x2B || text[j] == 0x2D { j += 1 }
                var exponent = 0
                let negative = j > i + 1 && text[j - 1] == 0x2D
                while j < text.count, (0x30...0x39).contains(text[j]) {
                    exponent = min(exponent * 10 + Int(text[j] - 0x30), 100_000)
                    j += 1
                }
                if !negative && exponent >= 309 { return true }
            }
            i += 1
        }
        return false
    }

    /// A short, user-facing account of a decoding error (which field, what was wrong).
    static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else {
            if let lineError = error as? RawLineError { return lineError.message }
            return "invalid JSON"
        }
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
                .joined(separator: ".")
            return joined.isEmpty ? "line" : "field \"\(joined)\""
        }
        switch decoding {
        case .typeMismatch(let type, let context):
            return "\(path(context)) has the wrong type (expected \(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context)) is null (expected \(type))"
        case .keyNotFound(let key, let context):
            return "\(path(context)) lacks \"\(key.stringValue)\""
        case .dataCorrupted(let context):
            let detail = (context.underlyingError as NSError?)?.localizedDescription ?? context.debugDescription
            return context.codingPath.isEmpty ? "invalid JSON (\(detail))" : "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "invalid JSON"
        }
    }
}

/// Thrown by `RawRoutingLine` when the line is valid JSON but not an object.
struct RawLineError: Error {
    var message: String
}

/// The JSON shape of one `routing.jsonl` line before validation; unknown keys are ignored.
struct RawRoutingLine: Decodable {
    var id: String?
    var query: String?
    /// Outer nil: key absent; inner nil: explicit `null`.
    var source: String??
    var tags: [String]?
    var responses: [String: String]?
    var rewards: [String: Double]?
    var costs: [String: Double]?
    var propensities: [String: Double]?

    enum CodingKeys: String, CodingKey {
        case id, query, source, tags, responses, rewards, costs, propensities
    }

    init(from decoder: any Decoder) throws {
        let container: KeyedDecodingContainer<CodingKeys>
        do {
            container = try decoder.container(keyedBy: CodingKeys.self)
        } catch {
            throw RawLineError(message: "line is not a JSON object")
        }
        id = try container.decodeIfPresent(String.self, forKey: .id)
        query = try container.decodeIfPresent(String.self, forKey: .query)
        if container.contains(.source) {
            source = .some(try container.decodeNil(forKey: .source) ? nil : container.decode(String.self, forKey: .source))
        }
        tags = try container.decodeIfPresent([String].self, forKey: .tags)
        costs = try container.decodeIfPresent([String: Double].self, forKey: .costs)
        responses = try container.decodeIfPresent([String: String].self, forKey: .responses)
        rewards = try container.decodeIfPresent([String: Double].self, forKey: .rewards)
        propensities = try container.decodeIfPresent([String: Double].self, forKey: .propensities)
    }
}
