public import Foundation

/// The built-in taxonomy of instruction intents and domains (Resources/taxonomy.json): each tag
/// has a name, a description and a few example requests written by us.
public struct Taxonomy: Decodable, Sendable {
    public struct Tag: Decodable, Sendable {
        public var name: String
        public var description: String
        public var examples: [String]
    }

    public var version: String
    public var tags: [Tag]

    /// The taxonomy shipped with the tagger.
    public static func builtIn() throws -> Taxonomy {
        guard let url = Bundle.module.url(forResource: "taxonomy", withExtension: "json") else {
            throw TaggerError("the built-in taxonomy.json is missing from the tagger's resources")
        }
        return try load(url)
    }

    public static func load(_ url: URL) throws -> Taxonomy {
        let taxonomy: Taxonomy
        do {
            taxonomy = try JSONDecoder().decode(Taxonomy.self, from: Data(contentsOf: url))
        } catch {
            throw TaggerError("\(url.path): not a valid taxonomy (\(error))")
        }
        guard !taxonomy.tags.isEmpty, Set(taxonomy.tags.map(\.name)).count == taxonomy.tags.count else {
            throw TaggerError("\(url.path): the taxonomy needs at least one tag and unique names")
        }
        return taxonomy
    }
}

/// A tagger failure with a message that says what to fix.
public struct TaggerError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
