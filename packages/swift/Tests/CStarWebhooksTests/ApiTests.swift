// Error-code coverage, defaults, rotation, redaction, bad input, samples, headers,
// diagnosis and retries.
import Foundation
import XCTest
@testable import CStarWebhooks

private let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
private let t: Int64 = 1_774_866_600

final class ApiTests: XCTestCase {
    private func sampleBody() throws -> Data {
        Data(try XCTUnwrap(sampleEvent(eventType: .ticketCreated)).toJson().utf8)
    }

    func testEveryCoreErrorCodeHasItsOwnCase() throws {
        let codes = errorCodes()
        XCTAssertEqual(codes.count, 7)
        var cases = Set<String>()
        for code in codes {
            let e = try XCTUnwrap(errorForCode(code: code), "core code \(code) has no binding error")
            XCTAssertEqual(e.code, code)
            XCTAssertEqual(caseName(of: e), code, "core code \(code) falls through to another case")
            XCTAssertFalse(e.reason.isEmpty)
            cases.insert(caseName(of: e))
        }
        XCTAssertEqual(cases.count, codes.count)
        XCTAssertNil(errorForCode(code: "not_a_code"))
    }

    func testDefaultsAreTheCores() throws {
        let body = try sampleBody()
        let v = Verifier(secrets: [secret])
        XCTAssertEqual(v.secretCount(), 1)
        _ = try v.verify(body: body, signature: sign(body: body, secrets: [secret], timestamp: t - 300), now: t)
        _ = try v.verify(body: body, signature: sign(body: body, secrets: [secret], timestamp: t + 300), now: t)
        let old = webhookError { _ = try v.verify(body: body, signature: sign(body: body, secrets: [secret], timestamp: t - 301), now: t) }
        XCTAssertEqual(old?.code, "timestamp_too_old")
        XCTAssertEqual(try v.verify(body: body, signature: signLegacy(body: body, secret: secret), now: t).scheme, .legacy)
        let strict = Verifier(secrets: [secret], tolerance: 10, allowLegacy: false)
        let legacy = webhookError { _ = try strict.verify(body: body, signature: signLegacy(body: body, secret: secret), now: t) }
        XCTAssertEqual(legacy?.code, "legacy_not_allowed")
    }

    func testRotationAndRedaction() throws {
        let body = try sampleBody()
        let v = Verifier(secrets: ["whsec_new", secret])
        XCTAssertEqual(try v.verify(body: body, signature: sign(body: body, secrets: [secret], timestamp: t), now: t).secretIndex, 1)
        XCTAssertFalse(String(reflecting: v).contains(secret))
        let e = webhookError { _ = try v.verify(body: body, signature: "t=\(t),v1=" + String(repeating: "0", count: 64), now: t) }
        XCTAssertFalse(String(describing: e).contains(secret))
    }

    func testBadInput() throws {
        let v = Verifier(secrets: [secret])
        XCTAssertEqual(webhookError { _ = try v.verify(body: Data(), signature: nil, now: t) }?.code, "missing_signature")
        XCTAssertEqual(webhookError { _ = try v.verify(body: Data(), signature: "t=99999999999999999999,v1=ab", now: t) }?.code, "malformed_signature")
        XCTAssertEqual(webhookError { _ = try flatten(payload: "{nope") }?.code, "invalid_payload")
        XCTAssertEqual(webhookError { _ = try parseEvent(body: Data([0xff, 0xfe])) }?.code, "invalid_payload")
        let raw = Data([0xff, 0xfe, 0x00])
        XCTAssertEqual(try v.verify(body: raw, signature: sign(body: raw, secrets: [secret], timestamp: t), now: t).secretIndex, 0)
    }

    func testSamplesAndHeaders() throws {
        XCTAssertEqual(knownEventTypes().count, 14)
        XCTAssertEqual(sampleEvents().map { $0.eventType }, knownEventTypes())
        XCTAssertEqual(eventTypeFromStr(value: "ticket.merged"), .unknown(value: "ticket.merged"))
        XCTAssertNil(sampleEvent(eventType: .unknown(value: "ticket.merged")))
        let body = try sampleBody()
        let headers = try generateTestHeaders(body: body, secrets: [secret], attempt: 2, timestamp: t)
        XCTAssertEqual(headers.map { $0.name }, ["Content-Type", "X-Webhook-ID", "X-Event-Type", "X-Event-ID", "X-Timestamp", "X-Signature", "X-Delivery-Attempt", "User-Agent"])
        let parsed = parseHeaders(headers: headers)
        XCTAssertEqual(parsed.attempt, 2)
        XCTAssertEqual(parsed.timestampUnix, t)
        let event = try Verifier(secrets: [secret]).constructEvent(body: body, headers: ["x-signature": try XCTUnwrap(parsed.signature)], now: t)
        guard case let .ticket(ticket, customer) = try event.typedData() else { return XCTFail("ticket data") }
        XCTAssertEqual(ticket.prefixedId, "CST-1024")
        XCTAssertNotNil(customer)
    }

    func testSigningRefusesInputThatCouldNeverVerify() throws {
        let body = try sampleBody()
        let calls: [() throws -> Void] = [
            { _ = try sign(body: body, secrets: [], timestamp: t) },
            { _ = try sign(body: body, secrets: [secret, ""], timestamp: t) },
            { _ = try sign(body: body, secrets: [secret], timestamp: -1) },
            { _ = try generateTestHeaders(body: body, secrets: [secret], timestamp: -1) },
        ]
        for call in calls {
            let e = webhookError(call)
            XCTAssertEqual(e.map { caseName(of: $0) }, "invalid_argument")
            XCTAssertEqual(e?.code, "invalid_argument")
        }
        XCTAssertTrue(try sign(body: body, secrets: [secret], timestamp: 0).hasPrefix("t=0,v1="))
    }

    func testDiagnoseAndRetries() throws {
        let body = Data(#"{"id":"evt_1","type":"ticket.created","created_at":"x","team_id":"t","data":{"ticket":{"id":"tkt_1"}}}"#.utf8)
        let skew = try diagnose(body: body, signature: sign(body: body, secrets: [secret], timestamp: t - 1000), secrets: [secret], now: t)
        XCTAssertEqual(skew.causes.first { $0.code == "clock_skew" }?.clockSkewSeconds, -1000)
        XCTAssertEqual(retrySchedule(), [0, 30, 120, 600, 3600, 21600, 86400])
        XCTAssertEqual(retryNextDue(attempt: 1, failedAt: 1000), 1030)
        XCTAssertNil(retryNextDue(attempt: 7, failedAt: 1000))
    }
}
