// The Gradle build a release uses to publish `com.cstar:webhooks` to Maven Central.
// Not run here (no Gradle offline): test.sh compiles the same sources with kotlinc.
//
// Before `gradle build`: `bash test.sh` (or the equivalent steps) generates
//   generated/com/cstar/webhooks/cstar_webhooks.kt     the uniffi Kotlin bindings
//   generated/native/<jna-platform>/libcstar_webhooks_uniffi.{so,dylib,dll}
// and a release pipeline adds one native library per platform under generated/native/
// (linux-x86-64, linux-aarch64, darwin-aarch64, darwin-x86-64, win32-x86-64): JNA loads it
// from the jar's resources at that path.
plugins {
    kotlin("jvm") version "2.4.20"
    `java-library`
    `maven-publish`
}

group = "com.cstar"
version = "0.1.0"

repositories { mavenCentral() }

dependencies {
    // uniffi's Kotlin bindings call the native library through JNA.
    api("net.java.dev.jna:jna:5.13.0")
    testImplementation(kotlin("test"))
}

kotlin { jvmToolchain(17) }

sourceSets {
    main {
        kotlin.srcDirs("src/main/kotlin", "generated")
        resources.srcDir("generated/native") // -> linux-x86-64/libcstar_webhooks_uniffi.so in the jar
    }
    test { kotlin.srcDirs("src/test/kotlin") }
}

// The suite uses its own small runner (src/test/kotlin/.../Runner.kt) so that it also runs
// without JUnit: `gradle vectorTest`.
tasks.register<JavaExec>("vectorTest") {
    classpath = sourceSets["test"].runtimeClasspath
    mainClass.set("com.cstar.webhooks.RunnerKt")
    systemProperty("cstar.vectors", rootDir.resolve("../../tests/vectors").absolutePath)
}

java { withSourcesJar() }

publishing {
    publications {
        create<MavenPublication>("maven") {
            artifactId = "webhooks"
            from(components["java"])
            pom {
                name.set("cStar webhooks")
                description.set("Verify cStar webhooks (v1 and legacy signatures), parse events; the Rust core through uniffi.")
                url.set("https://github.com/cstar/webhooks")
                licenses {
                    license { name.set("MIT"); url.set("https://opensource.org/licenses/MIT") }
                    license { name.set("Apache-2.0"); url.set("https://www.apache.org/licenses/LICENSE-2.0") }
                }
            }
        }
    }
}
