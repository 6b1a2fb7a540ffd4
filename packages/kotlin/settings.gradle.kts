// Gradle build for publishing `com.cstar:webhooks` (not run in this repository's CI, which
// compiles with kotlinc directly: see test.sh).
rootProject.name = "webhooks"
