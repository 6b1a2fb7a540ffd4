// The rest of the surface: error-code coverage, defaults, samples, headers, diagnosis,
// retries, redaction and bad input.
package com.cstar.webhooks

import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

private const val SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
private const val T = 1_774_866_600L

class ApiTest {
    private fun sampleBody(): ByteArray = sampleEvent(EventType.TicketCreated)!!.toJson().toByteArray(Charsets.UTF_8)

    @Test
    fun everyCoreErrorCodeHasItsOwnExceptionClass() {
        val codes = errorCodes()
        assertEquals(7, codes.size)
        val classes = mutableSetOf<Class<*>>()
        for (code in codes) {
            val e = assertNotNull(errorForCode(code), "core code $code has no binding error")
            assertFalse(e is WebhookException.Other, "core code $code falls through to Other")
            assertEquals(code, e.code)
            assertEquals(expectedClass(code), e.javaClass)
            assertTrue(e.reason.isNotEmpty())
            assertTrue(e.message!!.contains(code))
            classes += e.javaClass
        }
        assertEquals(codes.size, classes.size, "each code has a distinct class")
        assertNull(errorForCode("not_a_code"))
    }

    @Test
    fun defaultsAreTheCores() {
        val body = sampleBody()
        Verifier(listOf(SECRET)).use { v ->
            assertEquals(1u, v.secretCount())
            v.verify(body, sign(body, listOf(SECRET), T - 300), T)
            v.verify(body, sign(body, listOf(SECRET), T + 300), T)
            assertEquals("timestamp_too_old", assertFailsWith<WebhookException> { v.verify(body, sign(body, listOf(SECRET), T - 301), T) }.code)
            assertEquals("timestamp_in_future", assertFailsWith<WebhookException> { v.verify(body, sign(body, listOf(SECRET), T + 301), T) }.code)
            assertEquals(Scheme.LEGACY, v.verify(body, signLegacy(body, SECRET), T).scheme)
            // now = null reads the system clock.
            v.verify(body, sign(body, listOf(SECRET), System.currentTimeMillis() / 1000))
        }
        Verifier(listOf(SECRET), tolerance = 10uL, allowLegacy = false).use { v ->
            assertFailsWith<WebhookException.TimestampTooOld> { v.verify(body, sign(body, listOf(SECRET), T - 11), T) }
            assertFailsWith<WebhookException.LegacyNotAllowed> { v.verify(body, signLegacy(body, SECRET), T) }
        }
    }

    @Test
    fun rotationReportsTheSecretIndex() {
        val body = sampleBody()
        val header = sign(body, listOf("whsec_old"), T)
        Verifier(listOf("whsec_new", "whsec_old")).use { v ->
            assertEquals(1u, v.verify(body, header, T).secretIndex)
        }
    }

    @Test
    fun secretsNeverLeak() {
        Verifier(listOf(SECRET)).use { v ->
            val text = v.toString()
            assertFalse(SECRET in text, text)
            assertTrue("redacted" in text, text)
            val e = assertFailsWith<WebhookException> { v.verify(sampleBody(), "t=$T,v1=${"0".repeat(64)}", T) }
            assertFalse(SECRET in e.toString())
        }
    }

    @Test
    fun signingRefusesInputThatCouldNeverVerify() {
        val body = sampleBody()
        for (call in listOf<() -> Unit>(
            { sign(body, listOf(), T) },
            { sign(body, listOf(SECRET, ""), T) },
            { sign(body, listOf(SECRET), -1) },
            { generateTestHeaders(body, listOf(SECRET), timestamp = -1) },
        )) {
            val e = assertFailsWith<WebhookException.InvalidArgument> { call() }
            assertEquals("invalid_argument", e.code)
            assertTrue(e.reason.isNotEmpty())
        }
        assertTrue(sign(body, listOf(SECRET), 0).startsWith("t=0,v1="))
    }

    @Test
    fun badInputGetsStableCodes() {
        Verifier(listOf(SECRET)).use { v ->
            assertFailsWith<WebhookException.MissingSignature> { v.verify(byteArrayOf(), null, T) }
            assertFailsWith<WebhookException.MissingSignature> { v.verify(byteArrayOf(), " \t", T) }
            assertFailsWith<WebhookException.MalformedSignature> { v.verify(byteArrayOf(), "t=99999999999999999999,v1=ab", T) }
            assertFailsWith<WebhookException.MalformedSignature> { v.verify(byteArrayOf(), "garbage", T) }
            val notJson = "not json".toByteArray()
            val e = assertFailsWith<WebhookException.InvalidPayload> { v.constructEvent(notJson, sign(notJson, listOf(SECRET), T), T) }
            assertEquals("invalid_payload", e.code)
        }
        assertFailsWith<WebhookException.InvalidPayload> { flatten("{not json") }
        assertFailsWith<WebhookException.InvalidPayload> { parseEvent(byteArrayOf(0xff.toByte(), 0xfe.toByte())) }
        val bad = parseEvent(sampleBody()).copy(dataJson = "[1]")
        assertFailsWith<WebhookException.InvalidPayload> { bad.toJson() }
    }

    @Test
    fun headersMapAdapter() {
        val body = sampleBody()
        Verifier(listOf(SECRET)).use { v ->
            val event = v.constructEvent(body, mapOf("x-signature" to sign(body, listOf(SECRET), T)), T)
            assertEquals(EventType.TicketCreated, event.eventType)
            assertFailsWith<WebhookException.MissingSignature> { v.constructEvent(body, mapOf("content-type" to "application/json"), T) }
        }
    }

    @Test
    fun samplesCoverTheCatalog() {
        val types = knownEventTypes()
        assertEquals(14, types.size)
        val samples = sampleEvents()
        assertEquals(types, samples.map { it.eventType })
        for (s in samples) {
            assertTrue(s.id.startsWith("evt_test_"))
            assertTrue(s.eventType.isKnown())
            assertTrue(s.typedData() !is EventData.Unknown)
            assertEquals(s, sampleEvent(s.eventType))
            assertEquals(s.eventType, eventTypeFromStr(s.eventType.asStr()))
        }
        val unknown = eventTypeFromStr("ticket.merged")
        assertEquals(EventType.Unknown("ticket.merged"), unknown)
        assertEquals(Family.UNKNOWN, unknown.family())
        assertFalse(unknown.isKnown())
        assertNull(sampleEvent(unknown))
        assertEquals(EventType.TicketCreated, eventTypeFromStr(EventType.Unknown("ticket.created").asStr()))
        val boss = sampleEvent(EventType.BossDefeated)!!.typedData() as EventData.BossDefeated
        assertEquals("The Backlog Hydra", boss.boss.name)
        assertEquals("gamification", EventType.LevelUp.family().asStr())
        assertEquals("gamification", familyName(Family.GAMIFICATION))
        assertEquals("legacy", schemeName(Scheme.LEGACY))
    }

    @Test
    fun testHeadersAreWhatCStarSends() {
        val body = sampleBody()
        val headers = generateTestHeaders(body, listOf(SECRET), timestamp = T, attempt = 3u)
        assertEquals(
            listOf("Content-Type", "X-Webhook-ID", "X-Event-Type", "X-Event-ID", "X-Timestamp", "X-Signature", "X-Delivery-Attempt", "User-Agent"),
            headers.map { it.name },
        )
        val parsed = parseHeaders(headers.map { Header(it.name.uppercase(), it.value) })
        assertEquals("whk_test", parsed.webhookId)
        assertEquals("ticket.created", parsed.eventType)
        assertEquals(parseEvent(body).id, parsed.eventId)
        assertEquals(3u, parsed.attempt)
        assertEquals(T, parsed.timestampUnix)
        assertEquals("2026-03-30T10:30:00Z", parsed.timestamp)
        Verifier(listOf(SECRET)).use { v ->
            assertEquals(T, v.verify(body, parsed.signature, T).timestamp)
        }
    }

    @Test
    fun diagnoseNamesCauses() {
        val body = "{\"id\":\"evt_1\",\"type\":\"ticket.created\",\"created_at\":\"x\",\"team_id\":\"t\",\"data\":{}}".toByteArray()
        val pretty = "{\n  \"id\": \"evt_1\",\n  \"type\": \"ticket.created\",\n  \"created_at\": \"x\",\n  \"team_id\": \"t\",\n  \"data\": {}\n}".toByteArray()
        val header = sign(pretty, listOf(SECRET), T)
        val d = diagnose(body, header, listOf(SECRET), T)
        assertEquals("no_matching_signature", d.errorCode)
        assertNull(d.verified)
        assertEquals("body_reserialized", d.causes.first().code)
        assertTrue(d.causes.first().explanation.isNotEmpty())
        val skew = diagnose(body, sign(body, listOf(SECRET), T - 1000), listOf(SECRET), T)
        val cause = skew.causes.single { it.code == "clock_skew" }
        assertEquals(-1000L, cause.clockSkewSeconds)
        val ok = diagnose(body, sign(body, listOf(SECRET), T), listOf(SECRET), T)
        assertNotNull(ok.verified)
        assertTrue(ok.causes.isEmpty())
        val wrong = diagnose(body, sign(body, listOf("whsec_other"), T), listOf(SECRET), T)
        assertEquals(listOf("wrong_secret"), wrong.causes.map { it.code })
        assertTrue(causeCodes().containsAll(listOf("body_reserialized", "clock_skew", "wrong_secret")))
    }

    @Test
    fun retryScheduleIsTheGuidesTable() {
        assertEquals(listOf(0uL, 30uL, 120uL, 600uL, 3600uL, 21600uL, 86400uL), retrySchedule())
        assertEquals(1_030L, retryNextDue(1u, 1_000L))
        assertNull(retryNextDue(7u, 1_000L))
    }
}
