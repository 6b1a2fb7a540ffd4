// A small, strict JSON reader for the tests (no JSON library is available offline here).
// Objects keep their key order (LinkedHashMap): the flatten vectors compare key order.
// Integers become Long (BigInteger when larger), other numbers Double.
package com.cstar.webhooks

import java.math.BigInteger

class JsonReader private constructor(private val s: String) {
    private var i = 0

    companion object {
        fun parse(text: String): Any? {
            val r = JsonReader(text)
            r.ws()
            val v = r.value()
            r.ws()
            require(r.i == r.s.length) { "trailing characters at ${r.i}" }
            return v
        }
    }

    private fun ws() {
        while (i < s.length && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) i++
    }

    private fun expect(c: Char) {
        require(i < s.length && s[i] == c) { "expected '$c' at $i" }
        i++
    }

    private fun value(): Any? {
        require(i < s.length) { "unexpected end" }
        return when (val c = s[i]) {
            '{' -> obj()
            '[' -> arr()
            '"' -> str()
            't' -> literal("true", true)
            'f' -> literal("false", false)
            'n' -> literal("null", null)
            else -> if (c == '-' || c.isDigit()) num() else throw IllegalArgumentException("bad char '$c' at $i")
        }
    }

    private fun literal(word: String, v: Any?): Any? {
        require(s.startsWith(word, i)) { "expected $word at $i" }
        i += word.length
        return v
    }

    private fun obj(): Map<String, Any?> {
        expect('{')
        val m = LinkedHashMap<String, Any?>()
        ws()
        if (s[i] == '}') { i++; return m }
        while (true) {
            ws()
            val k = str()
            ws(); expect(':'); ws()
            m[k] = value()
            ws()
            if (s[i] == ',') { i++; continue }
            expect('}')
            return m
        }
    }

    private fun arr(): List<Any?> {
        expect('[')
        val l = ArrayList<Any?>()
        ws()
        if (s[i] == ']') { i++; return l }
        while (true) {
            ws()
            l.add(value())
            ws()
            if (s[i] == ',') { i++; continue }
            expect(']')
            return l
        }
    }

    private fun str(): String {
        expect('"')
        val b = StringBuilder()
        while (true) {
            require(i < s.length) { "unterminated string" }
            val c = s[i++]
            when (c) {
                '"' -> return b.toString()
                '\\' -> {
                    when (val e = s[i++]) {
                        '"' -> b.append('"'); '\\' -> b.append('\\'); '/' -> b.append('/')
                        'b' -> b.append('\b'); 'f' -> b.append('\u000c'); 'n' -> b.append('\n')
                        'r' -> b.append('\r'); 't' -> b.append('\t')
                        'u' -> { b.append(s.substring(i, i + 4).toInt(16).toChar()); i += 4 }
                        else -> throw IllegalArgumentException("bad escape \\$e")
                    }
                }
                else -> b.append(c)
            }
        }
    }

    private fun num(): Any {
        val start = i
        if (s[i] == '-') i++
        while (i < s.length && s[i].isDigit()) i++
        var integral = true
        if (i < s.length && s[i] == '.') { integral = false; i++; while (i < s.length && s[i].isDigit()) i++ }
        if (i < s.length && (s[i] == 'e' || s[i] == 'E')) {
            integral = false; i++
            if (s[i] == '+' || s[i] == '-') i++
            while (i < s.length && s[i].isDigit()) i++
        }
        val text = s.substring(start, i)
        if (!integral) return text.toDouble()
        return text.toLongOrNull() ?: BigInteger(text)
    }
}
