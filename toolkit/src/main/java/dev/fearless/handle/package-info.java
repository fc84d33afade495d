/**
 * Ownership-checked shared state: Rust's ownership rules for values used by several threads,
 * checked at run time.
 *
 * <table>
 *   <caption>Rust to Fearless</caption>
 *   <tr><th>Rust</th><th>Fearless</th><th>rule checked</th></tr>
 *   <tr><td>{@code Arc<Mutex<T>>}</td><td>{@link dev.fearless.handle.Shared}</td>
 *       <td>value reachable only while locked (closures or a {@link dev.fearless.handle.LockGuard});
 *       poisoning</td></tr>
 *   <tr><td>{@code Condvar}</td><td>{@link dev.fearless.handle.LockGuard#await(java.util.function.Predicate)}</td>
 *       <td>wait until the value satisfies a condition; every write wakes the waiters</td></tr>
 *   <tr><td>{@code RwLock<T>}</td><td>{@link dev.fearless.handle.SharedRw}</td>
 *       <td>many readers or one writer; writers poison</td></tr>
 *   <tr><td>{@code RefCell<T>} (not {@code Send})</td><td>{@link dev.fearless.handle.Confined}</td>
 *       <td>one thread; {@code borrow} many or {@code borrowMut} one</td></tr>
 *   <tr><td>{@code move} / {@code Send}</td><td>{@link dev.fearless.handle.Owned}</td>
 *       <td>one owner; the old handle is dead after a move</td></tr>
 *   <tr><td>{@code PoisonError}</td><td>{@link dev.fearless.handle.PoisonedException}</td>
 *       <td>{@code into()} and {@code clearPoison()} recover</td></tr>
 * </table>
 *
 * <p>Misuse throws a {@link dev.fearless.handle.HandleException} (poisoned, conflicting borrow,
 * use after move, use of a closed guard) or, for use from the wrong thread, the JDK's
 * {@link java.lang.WrongThreadException}. Forgotten guards and moved values never received are
 * reported by leak detection ({@link dev.fearless.handle.Diagnostics}).
 *
 * <pre>{@code
 * Shared<Integer> counter = Shared.of("counter", 0);
 * try (var scope = Scope.open()) {
 *     for (int i = 0; i < 10; i++) {
 *         scope.fork(() -> counter.update(n -> n + 1));
 *     }
 *     scope.join();
 * }
 * int total = counter.read(n -> n);   // 10
 * }</pre>
 *
 * <p>Telemetry: {@code Shared} and {@code SharedRw} locks report the lock events under the
 * handle's name; poisoning reports
 * {@link dev.fearless.telemetry.TelemetryListener#handlePoisoned handlePoisoned} and leak
 * detection {@link dev.fearless.telemetry.TelemetryListener#handleLeaked handleLeaked}.
 */
@NullMarked
package dev.fearless.handle;

import org.jspecify.annotations.NullMarked;
