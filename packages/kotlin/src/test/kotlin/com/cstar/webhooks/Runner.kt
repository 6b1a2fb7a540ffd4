// A minimal JUnit-style runner (JUnit is not available offline here): every public method
// annotated with @Test in the listed classes runs on a fresh instance; assertions come from
// kotlin.test. Exits non-zero when any test fails.
package com.cstar.webhooks

import java.lang.reflect.InvocationTargetException
import kotlin.system.exitProcess

@Target(AnnotationTarget.FUNCTION)
@Retention(AnnotationRetention.RUNTIME)
annotation class Test

val testClasses: List<Class<*>> = listOf(VectorTest::class.java, ApiTest::class.java)

fun main() {
    var passed = 0
    val failed = mutableListOf<String>()
    for (cls in testClasses) {
        val methods = cls.declaredMethods.filter { it.isAnnotationPresent(Test::class.java) }.sortedBy { it.name }
        for (m in methods) {
            val name = "${cls.simpleName}.${m.name}"
            try {
                m.invoke(cls.getDeclaredConstructor().newInstance())
                passed++
                println("  ok    $name")
            } catch (e: InvocationTargetException) {
                failed += name
                println("  FAIL  $name: ${e.targetException}")
                e.targetException.printStackTrace(System.out)
            }
        }
    }
    println("kotlin: ${passed + failed.size} tests, $passed passed, ${failed.size} failed")
    if (failed.isNotEmpty()) {
        println("failed: ${failed.joinToString()}")
        exitProcess(1)
    }
}
