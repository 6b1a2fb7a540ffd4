// Benchmark (not a test): our Verifier.verify (Rust core through uniffi + JNA) beside a plain
// JVM verifier on javax.crypto.Mac("HmacSHA256") + MessageDigest.isEqual — the primitives
// stripe-java's Webhook.Signature uses (stripe-java itself is not available offline here, so
// its v1 algorithm is re-implemented below). Same header, body and secret; run by bench.sh.
package com.cstar.webhooks.bench

import com.cstar.webhooks.Verifier
import com.cstar.webhooks.sign
import java.security.MessageDigest
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

const val SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
const val NOW = 1_774_866_600L

/** stripe-java's verifyHeader reduced to the v1 path: parse, tolerance, HMAC, compare. */
fun jdkVerify(payload: ByteArray, header: String, secret: String, now: Long, tolerance: Long = 300): Boolean {
    val items = header.split(',').map { it.trim().split('=', limit = 2) }
    val t = items.firstOrNull { it[0] == "t" }?.getOrNull(1)?.toLongOrNull() ?: return false
    if (kotlin.math.abs(now - t) > tolerance) return false
    val mac = Mac.getInstance("HmacSHA256")
    mac.init(SecretKeySpec(secret.toByteArray(), "HmacSHA256"))
    mac.update("$t.".toByteArray())
    val expected = mac.doFinal(payload).joinToString("") { "%02x".format(it) }.toByteArray()
    return items.filter { it[0] == "v1" }.any { MessageDigest.isEqual(it.getOrNull(1)?.toByteArray(), expected) }
}

inline fun opsPerSec(seconds: Double = 1.0, op: () -> Unit): Double {
    var n = 0L
    val deadline = System.nanoTime() + (seconds * 1e9).toLong()
    while (System.nanoTime() < deadline) {
        repeat(50) { op() }
        n += 50
    }
    return n / seconds
}

fun main() {
    println("java ${System.getProperty("java.version")}, JNA ${com.sun.jna.Native.VERSION}")
    Verifier(listOf(SECRET)).use { verifier ->
        for (size in listOf(1024, 64 * 1024)) {
            val body = ("{\"k\":\"" + "x".repeat(size - 8) + "\"}").toByteArray()
            val header = sign(body, listOf(SECRET), NOW)
            check(verifier.verify(body, header, NOW).secretIndex == 0u && jdkVerify(body, header, SECRET, NOW))
            repeat(3) { // warm up the JIT for both
                opsPerSec(0.3) { verifier.verify(body, header, NOW) }
                opsPerSec(0.3) { jdkVerify(body, header, SECRET, NOW) }
            }
            val ours = opsPerSec { verifier.verify(body, header, NOW) }
            val peer = opsPerSec { jdkVerify(body, header, SECRET, NOW) }
            println(
                "%6d B  cstar-webhooks %10.0f ops/s   javax.crypto HmacSHA256 (stripe-java algorithm) %10.0f ops/s   ratio %.2fx"
                    .format(body.size, ours, peer, ours / peer),
            )
        }
    }
}
