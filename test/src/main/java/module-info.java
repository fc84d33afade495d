/**
 * Fearless test: runs a test's virtual threads under a controlled, seeded scheduler, explores
 * many interleavings, reports deadlocks and hangs, and replays every failure from its seed.
 *
 * <p>The explorer needs {@code --add-opens java.base/java.lang=dev.fearless.test} (or
 * {@code =ALL-UNNAMED} on the class path) in the test JVM; {@code FearlessChecks}
 * does not.
 */
module dev.fearless.test {
    requires transitive dev.fearless;
    requires transitive org.junit.jupiter.api;
    requires static transitive org.jspecify;

    exports dev.fearless.test;
}
