// Runs every case of tests/vectors/signatures.json and tests/vectors/events.json.
package com.cstar.webhooks

import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import kotlin.test.fail

@Suppress("UNCHECKED_CAST")
fun Any?.obj(): Map<String, Any?> = this as Map<String, Any?>

@Suppress("UNCHECKED_CAST")
fun Any?.list(): List<Any?> = this as List<Any?>

val vectorsDir: File = File(
    System.getProperty("cstar.vectors") ?: System.getenv("CSTAR_VECTORS") ?: "../../tests/vectors",
)

fun loadVectors(name: String): Map<String, Any?> = JsonReader.parse(File(vectorsDir, name).readText(Charsets.UTF_8)).obj()

/** The raw body bytes of a case: exactly one of body / body_hex / body_repeat. */
fun bodyOf(case: Map<String, Any?>): ByteArray {
    val fields = listOf("body", "body_hex", "body_repeat").filter { case.containsKey(it) }
    assertEquals(1, fields.size, "exactly one body field")
    return when (fields[0]) {
        "body" -> (case["body"] as String).toByteArray(Charsets.UTF_8)
        "body_hex" -> (case["body_hex"] as String).chunked(2).map { it.toInt(16).toByte() }.toByteArray()
        else -> {
            val r = case["body_repeat"].obj()
            (r["pattern"] as String).repeat((r["count"] as Long).toInt()).toByteArray(Charsets.UTF_8)
        }
    }
}

/** Each core code's own exception class: the Kotlin idiom of the error enum. */
fun expectedClass(code: String): Class<out WebhookException> = when (code) {
    "missing_signature" -> WebhookException.MissingSignature::class.java
    "malformed_signature" -> WebhookException.MalformedSignature::class.java
    "timestamp_too_old" -> WebhookException.TimestampTooOld::class.java
    "timestamp_in_future" -> WebhookException.TimestampInFuture::class.java
    "no_matching_signature" -> WebhookException.NoMatchingSignature::class.java
    "legacy_not_allowed" -> WebhookException.LegacyNotAllowed::class.java
    "invalid_payload" -> WebhookException.InvalidPayload::class.java
    else -> fail("no Kotlin class expected for core code $code")
}

/** Runs `check` on every case, collecting failures so one report names every failing case. */
fun eachCase(cases: List<Any?>, check: (Map<String, Any?>) -> Unit): Int {
    val failures = mutableListOf<String>()
    for (c in cases) {
        val case = c.obj()
        try {
            check(case)
        } catch (e: Throwable) {
            failures += "${case["name"]}: $e"
        }
    }
    if (failures.isNotEmpty()) fail("${failures.size}/${cases.size} cases failed:\n  " + failures.joinToString("\n  "))
    return cases.size
}

class VectorTest {
    private val signatures = loadVectors("signatures.json")
    private val events = loadVectors("events.json")

    @Test
    fun vectorFormatVersion() {
        assertEquals(1L, signatures["version"])
        assertEquals(1L, events["version"])
    }

    @Test
    fun signatureVerifyCases() {
        val cases = signatures["verify"].list()
        assertTrue(cases.size >= 100, "expected the full verify vector set")
        val n = eachCase(cases) { case ->
            val opts = case["options"].obj()
            val secrets = case["secrets"].list().map { it as String }
            val body = bodyOf(case)
            val header = case["header"] as String?
            val now = case["now"] as Long
            val expected = case["expected"].obj()
            Verifier(
                secrets,
                maxAge = (opts["max_age"] as Long).toULong(),
                maxFuture = (opts["max_future"] as Long).toULong(),
                allowLegacy = opts["allow_legacy"] as Boolean,
            ).use { verifier ->
                if (expected["ok"] == true) {
                    val v = verifier.verify(body, header, now)
                    assertEquals(expected["scheme"], v.scheme.asStr(), "scheme")
                    assertEquals(expected["timestamp"] as Long?, v.timestamp, "timestamp")
                    assertEquals((expected["secret_index"] as Long).toUInt(), v.secretIndex, "secret_index")
                } else {
                    val code = expected["code"] as String
                    val e = assertFailsWith<WebhookException> { verifier.verify(body, header, now) }
                    assertEquals(code, e.code)
                    assertEquals(expectedClass(code), e.javaClass)
                    for (secret in secrets) assertTrue(secret !in e.message.orEmpty(), "secret leaked in message")
                    // The parse step never runs when verification fails: same error.
                    val e2 = assertFailsWith<WebhookException> { verifier.constructEvent(body, header, now) }
                    assertEquals(code, e2.code)
                }
            }
        }
        println("        $n verify cases")
    }

    @Test
    fun signatureSignCases() {
        val n = eachCase(signatures["sign"].list()) { case ->
            val secrets = case["secrets"].list().map { it as String }
            val body = bodyOf(case)
            val produced = when (case["scheme"]) {
                "v1" -> sign(body, secrets, case["timestamp"] as Long)
                "legacy" -> { assertEquals(1, secrets.size); signLegacy(body, secrets[0]) }
                else -> fail("unknown scheme ${case["scheme"]}")
            }
            assertEquals(case["expected_header"], produced)
            // Every produced header verifies with each secret at now = timestamp.
            secrets.forEachIndexed { _, secret ->
                Verifier(listOf(secret)).use { v ->
                    val r = v.verify(body, produced, (case["timestamp"] as Long?) ?: 0L)
                    assertEquals(case["scheme"], r.scheme.asStr())
                    assertEquals(case["timestamp"] as Long?, r.timestamp)
                }
            }
        }
        println("        $n sign cases")
    }

    @Test
    fun eventParseCases() {
        val n = eachCase(events["parse"].list()) { case ->
            val body = (case["body"] as String).toByteArray(Charsets.UTF_8)
            val expected = case["expected"].obj()
            if (expected["ok"] == true) {
                val e = parseEvent(body)
                assertEquals(expected["id"], e.id)
                assertEquals(expected["type"], e.eventType.asStr())
                assertEquals(expected["known_type"], e.eventType.isKnown())
                assertEquals(expected["known_type"] == false, e.eventType is EventType.Unknown)
                assertEquals(expected["family"], e.family().asStr())
                assertEquals(expected["team_id"], e.teamId)
                assertEquals(expected["created_at"], e.createdAt)
                assertEquals(expected["data_keys"].list(), e.dataKeys)
                assertEquals(expected["data_keys"].list(), JsonReader.parse(e.dataJson).obj().keys.toList())
                // Round trip: the serialized event parses back to the same record.
                assertEquals(e, parseEvent(e.toJson().toByteArray(Charsets.UTF_8)))
            } else {
                val err = assertFailsWith<WebhookException> { parseEvent(body) }
                assertEquals(expected["code"], err.code)
                assertEquals(expectedClass(expected["code"] as String), err.javaClass)
            }
        }
        println("        $n parse cases")
    }

    @Test
    fun flattenCases() {
        val n = eachCase(events["flatten"].list()) { case ->
            val out = JsonReader.parse(flatten(case["input_text"] as String)).obj()
            assertEquals(case["expected_keys"].list(), out.keys.toList(), "key order")
            assertEquals(case["expected"], out)
            // The same through the Event record when the input is an envelope.
            val input = case["input_text"] as String
            val event = runCatching { parseEvent(input.toByteArray(Charsets.UTF_8)) }.getOrNull()
            if (event != null) {
                val viaEvent = JsonReader.parse(event.toFlatJson()).obj()
                assertEquals(case["expected"], viaEvent)
            }
        }
        println("        $n flatten cases")
    }

    @Test
    fun guideExampleParsesRoundTripsAndVerifies() {
        val case = events["parse"].list().map { it.obj() }.first { it["name"] == "guide_example" }
        val body = (case["body"] as String).toByteArray(Charsets.UTF_8)
        val secret = "whsec_2OXE2QJVNO8thS9FTKBHWmIPbLHo99B8"
        val header = sign(body, listOf(secret), 1_774_866_600)
        Verifier(listOf(secret)).use { v ->
            val event = v.constructEvent(body, header, 1_774_866_600)
            assertEquals(EventType.TicketCreated, event.eventType)
            val data = event.typedData()
            assertTrue(data is EventData.Ticket)
            assertEquals("CST-1024", data.ticket.prefixedId)
            assertNotNull(data.customer)
        }
    }
}
