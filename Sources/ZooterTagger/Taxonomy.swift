public import Foundation
public import ZooterServiceKit

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
    public static func builtIn() throws(ServiceError) -> Taxonomy {
        guard let url = Bundle.module.url(forResource: "taxonomy", withExtension: "json") else {
            throw ServiceError.configuration("the built-in taxonomy.json is missing from the tagger's resources")
        }
        return try load(url)
    }

    public static func load(_ url: URL) throws(ServiceError) -> Taxonomy {
        let taxonomy: Taxonomy
        do {
            taxonomy = try JSONDecoder().decode(Taxonomy.self, from: Data(contentsOf: url))
        } catch {
            throw ServiceError.configuration("\(url.path): not a valid taxonomy (\(error))", cause: error)
        }
        guard !taxonomy.tags.isEmpty, Set(taxonomy.tags.map(\.name)).count == taxonomy.tags.count else {
            throw ServiceError.configuration("\(url.path): the taxonomy needs at least one tag and unique names")
        }
        return taxonomy
    }
}
