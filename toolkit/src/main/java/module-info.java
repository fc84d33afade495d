/**
 * Fearless: structured concurrency, message passing, ownership-checked shared state and
 * deadlock-free locking for virtual threads, checked at run time and observable through a
 * listener SPI.
 *
 * <ul>
 *   <li>{@link dev.fearless.scope} — structured task scopes;</li>
 *   <li>{@link dev.fearless.channel} — channels and select;</li>
 *   <li>{@link dev.fearless.handle} — ownership-checked shared handles;</li>
 *   <li>{@link dev.fearless.lock} — ordered multi-lock and the lock-order checker;</li>
 *   <li>{@link dev.fearless.bridge} — virtual-thread executors and the async bridge;</li>
 *   <li>{@link dev.fearless.telemetry} — the listener SPI;</li>
 *   <li>{@link dev.fearless.context} — the context-propagation SPI;</li>
 *   <li>{@link dev.fearless.structure} — the live view of scopes, tasks and their waits.</li>
 * </ul>
 */
@SuppressWarnings("module") // fearless-test is built after this module
module dev.fearless {
    requires org.slf4j;
    requires static transitive org.jspecify;

    exports dev.fearless.scope;
    exports dev.fearless.lock;
    exports dev.fearless.channel;
    exports dev.fearless.handle;
    exports dev.fearless.bridge;
    exports dev.fearless.telemetry;
    exports dev.fearless.context;
    exports dev.fearless.structure;
    // dev.fearless.internal and dev.fearless.tracking are deliberately not exported, except the
    // internal TimeSource to the schedule explorer (fearless-test), which installs virtual time.
    exports dev.fearless.internal to dev.fearless.test;

    uses dev.fearless.context.ContextPropagator;
}
