import Foundation

/// Reading the gateway's own files (its configuration, the tenants file): JSON objects whose keys
/// are checked against the ones we read, so a misspelt setting is an error at startup rather than
/// a default silently in force.
enum StrictJSON {
    /// The object at the top of `data`, or a message naming `what` and the problem.
    static func object(_ data: Data, what: String) throws(GatewayError) -> [String: Any] {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            throw .configuration("\(what) is not valid JSON: \(error.localizedDescription)")
        }
        guard let object = parsed as? [String: Any] else { throw .configuration("\(what) must be a JSON object") }
        return object
    }

    /// Refuses keys of `object` that are not in `known`.
    static func checkKeys(_ object: [String: Any], known: Set<String>, in context: String) throws(GatewayError) {
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw .configuration("\(context): unknown setting \"\(unknown)\" (known: \(known.sorted().joined(separator: ", ")))")
        }
    }

    /// Whether a parsed JSON value is `true` or `false`. JSONSerialization gives NSNumbers for
    /// numbers and booleans alike, and `1 as? Bool` succeeds; its booleans are the char-typed ones.
    static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return value is Bool }
        return String(cString: number.objCType) == "c"
    }

    static func string(_ object: [String: Any], _ key: String, in context: String) throws(GatewayError) -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw .configuration("\(context): \"\(key)\" must be a string") }
        return text
    }

    static func number(_ object: [String: Any], _ key: String, in context: String) throws(GatewayError) -> Double? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, !isBoolean(value), number.doubleValue.isFinite else {
            throw .configuration("\(context): \"\(key)\" must be a number")
        }
        return number.doubleValue
    }

    static func integer(_ object: [String: Any], _ key: String, in context: String, range: ClosedRange<Int>) throws(GatewayError) -> Int? {
        guard let value = try number(object, key, in: context) else { return nil }
        guard value == value.rounded(), value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
            throw .configuration("\(context): \"\(key)\" must be a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return Int(value)
    }

    static func bool(_ object: [String: Any], _ key: String, in context: String) throws(GatewayError) -> Bool? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard isBoolean(value), let flag = value as? Bool else { throw .configuration("\(context): \"\(key)\" must be true or false") }
        return flag
    }

    static func strings(_ object: [String: Any], _ key: String, in context: String) throws(GatewayError) -> [String]? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let list = value as? [String] else { throw .configuration("\(context): \"\(key)\" must be a list of strings") }
        return list
    }

    static func child(_ object: [String: Any], _ key: String, in context: String) throws(GatewayError) -> [String: Any]? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let child = value as? [String: Any] else { throw .configuration("\(context): \"\(key)\" must be an object") }
        return child
    }
}
