import Foundation

/// Facts about the host part of an address that options decide on.
public enum NetworkAddress {
    /// Whether only this machine can reach `host` (so plaintext cannot leave it).
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }

    /// The host of a `host:port` target part.
    public static func host(ofTarget part: Substring) -> String {
        let text = part.trimmingCharacters(in: .whitespaces)
        guard let colon = text.lastIndex(of: ":") else { return text }
        return String(text[..<colon])
    }
}
