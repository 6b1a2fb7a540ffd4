// Test support: loading the shared vectors, decoding case bodies, ordered top-level keys.
import Foundation
import XCTest
@testable import CStarWebhooks

enum Vectors {
    /// `$CSTAR_VECTORS`, else the repository's tests/vectors (this file is
    /// packages/swift/Tests/CStarWebhooksTests/Support.swift).
    static var directory: URL {
        if let dir = ProcessInfo.processInfo.environment["CSTAR_VECTORS"] {
            return URL(fileURLWithPath: dir)
        }
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("tests/vectors")
    }

    static func load(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

/// The raw body bytes of a case: exactly one of body / body_hex / body_repeat.
func bodyOf(_ c: [String: Any]) throws -> Data {
    let fields = ["body", "body_hex", "body_repeat"].filter { c[$0] != nil }
    XCTAssertEqual(fields.count, 1, "exactly one body field")
    if let text = c["body"] as? String { return Data(text.utf8) }
    if let hex = c["body_hex"] as? String {
        var out = Data()
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            out.append(try XCTUnwrap(UInt8(hex[i..<j], radix: 16)))
            i = j
        }
        return out
    }
    let r = try XCTUnwrap(c["body_repeat"] as? [String: Any])
    let pattern = try XCTUnwrap(r["pattern"] as? String)
    let count = try XCTUnwrap(r["count"] as? Int)
    return Data(String(repeating: pattern, count: count).utf8)
}

/// The top-level keys of a JSON object text, in order (JSONSerialization does not keep order).
func topLevelKeys(_ json: String) throws -> [String] {
    var keys: [String] = []
    var depth = 0
    var inString = false
    var escaped = false
    var start: String.Index? = nil
    var lastString: String? = nil
    var i = json.startIndex
    while i < json.endIndex {
        let ch = json[i]
        if inString {
            if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == "\"" {
                inString = false
                let literal = "[" + String(json[start!...i]) + "]"
                let decoded = try JSONSerialization.jsonObject(with: Data(literal.utf8)) as? [String]
                lastString = decoded?.first
            }
        } else {
            switch ch {
            case "\"": inString = true; start = i
            case "{", "[": depth += 1
            case "}", "]": depth -= 1
            case ":": if depth == 1, let k = lastString { keys.append(k) }
            default: break
            }
        }
        i = json.index(after: i)
    }
    return keys
}

/// Each core code's own case of the error enum.
func caseName(of error: WebhookError) -> String {
    switch error {
    case .MissingSignature: return "missing_signature"
    case .MalformedSignature: return "malformed_signature"
    case .TimestampTooOld: return "timestamp_too_old"
    case .TimestampInFuture: return "timestamp_in_future"
    case .NoMatchingSignature: return "no_matching_signature"
    case .LegacyNotAllowed: return "legacy_not_allowed"
    case .InvalidPayload: return "invalid_payload"
    case .InvalidArgument: return "invalid_argument"
    case .Other: return "other"
    }
}

func webhookError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> WebhookError? {
    do {
        try body()
        XCTFail("expected a WebhookError", file: file, line: line)
        return nil
    } catch let e as WebhookError {
        return e
    } catch {
        XCTFail("expected a WebhookError, got \(error)", file: file, line: line)
        return nil
    }
}
