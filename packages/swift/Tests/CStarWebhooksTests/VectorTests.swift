// Runs every case of tests/vectors/signatures.json and tests/vectors/events.json.
import Foundation
import XCTest
@testable import CStarWebhooks

final class VectorTests: XCTestCase {
    func testSignatureVerifyCases() throws {
        let vectors = try Vectors.load("signatures.json")
        XCTAssertEqual(vectors["version"] as? Int, 1)
        let cases = try XCTUnwrap(vectors["verify"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(cases.count, 100)
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let opts = try XCTUnwrap(c["options"] as? [String: Any])
            let secrets = try XCTUnwrap(c["secrets"] as? [String])
            let body = try bodyOf(c)
            let header = c["header"] as? String
            let now = try XCTUnwrap((c["now"] as? NSNumber)?.int64Value)
            let expected = try XCTUnwrap(c["expected"] as? [String: Any])
            let verifier = Verifier(
                secrets: secrets,
                maxAge: try XCTUnwrap((opts["max_age"] as? NSNumber)?.uint64Value),
                maxFuture: try XCTUnwrap((opts["max_future"] as? NSNumber)?.uint64Value),
                allowLegacy: try XCTUnwrap(opts["allow_legacy"] as? Bool)
            )
            if expected["ok"] as? Bool == true {
                let v = try verifier.verify(body: body, signature: header, now: now)
                XCTAssertEqual(v.scheme.asStr(), expected["scheme"] as? String, name)
                XCTAssertEqual(v.timestamp, (expected["timestamp"] as? NSNumber)?.int64Value, name)
                XCTAssertEqual(Int(v.secretIndex), expected["secret_index"] as? Int, name)
            } else {
                let code = try XCTUnwrap(expected["code"] as? String)
                let e = webhookError { _ = try verifier.verify(body: body, signature: header, now: now) }
                XCTAssertEqual(e?.code, code, name)
                XCTAssertEqual(e.map(caseName), code, name)
                let e2 = webhookError { _ = try verifier.constructEvent(body: body, signature: header, now: now) }
                XCTAssertEqual(e2?.code, code, name)
            }
        }
    }

    func testSignatureSignCases() throws {
        let vectors = try Vectors.load("signatures.json")
        for c in try XCTUnwrap(vectors["sign"] as? [[String: Any]]) {
            let name = c["name"] as? String ?? "?"
            let secrets = try XCTUnwrap(c["secrets"] as? [String])
            let body = try bodyOf(c)
            let timestamp = (c["timestamp"] as? NSNumber)?.int64Value
            let produced: String
            switch c["scheme"] as? String {
            case "v1": produced = try sign(body: body, secrets: secrets, timestamp: XCTUnwrap(timestamp))
            case "legacy":
                XCTAssertEqual(secrets.count, 1, name)
                produced = signLegacy(body: body, secret: secrets[0])
            default: XCTFail("unknown scheme in \(name)"); continue
            }
            XCTAssertEqual(produced, c["expected_header"] as? String, name)
            for secret in secrets {
                let v = try Verifier(secrets: [secret]).verify(body: body, signature: produced, now: timestamp ?? 0)
                XCTAssertEqual(v.scheme.asStr(), c["scheme"] as? String, name)
            }
        }
    }

    func testEventParseCases() throws {
        let vectors = try Vectors.load("events.json")
        XCTAssertEqual(vectors["version"] as? Int, 1)
        for c in try XCTUnwrap(vectors["parse"] as? [[String: Any]]) {
            let name = c["name"] as? String ?? "?"
            let body = Data(try XCTUnwrap(c["body"] as? String).utf8)
            let expected = try XCTUnwrap(c["expected"] as? [String: Any])
            if expected["ok"] as? Bool == true {
                let e = try parseEvent(body: body)
                XCTAssertEqual(e.id, expected["id"] as? String, name)
                XCTAssertEqual(e.eventType.asStr(), expected["type"] as? String, name)
                XCTAssertEqual(e.eventType.isKnown(), expected["known_type"] as? Bool, name)
                if case .unknown = e.eventType {
                    XCTAssertEqual(expected["known_type"] as? Bool, false, name)
                }
                XCTAssertEqual(e.family().asStr(), expected["family"] as? String, name)
                XCTAssertEqual(e.teamId, expected["team_id"] as? String, name)
                XCTAssertEqual(e.createdAt, expected["created_at"] as? String, name)
                XCTAssertEqual(e.dataKeys, expected["data_keys"] as? [String], name)
                XCTAssertEqual(try parseEvent(body: Data(try e.toJson().utf8)), e, name)
            } else {
                let err = webhookError { _ = try parseEvent(body: body) }
                XCTAssertEqual(err?.code, expected["code"] as? String, name)
                XCTAssertEqual(err.map(caseName), expected["code"] as? String, name)
            }
        }
    }

    func testFlattenCases() throws {
        let vectors = try Vectors.load("events.json")
        for c in try XCTUnwrap(vectors["flatten"] as? [[String: Any]]) {
            let name = c["name"] as? String ?? "?"
            let out = try flatten(payload: try XCTUnwrap(c["input_text"] as? String))
            XCTAssertEqual(try topLevelKeys(out), c["expected_keys"] as? [String], name)
            let value = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? NSDictionary)
            XCTAssertTrue(value.isEqual(to: try XCTUnwrap(c["expected"] as? [String: Any])), name)
        }
    }
}
