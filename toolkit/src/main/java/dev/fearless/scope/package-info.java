/**
 * Structured concurrency: scopes that own the threads forked in them.
 *
 * <p>A {@link dev.fearless.scope.Scope} is opened by its owner thread, forks
 * {@link dev.fearless.scope.Task}s on new (virtual, by default) threads, joins them, and closes;
 * when it closes, every thread it forked has terminated. A {@link dev.fearless.scope.Policy}
 * decides when the scope is done (cancelling what still runs) and what {@code join()} returns; a
 * deadline cancels everything still running. Nothing here needs {@code --enable-preview}.
 *
 * <pre>{@code
 * Page page(String id) throws InterruptedException {
 *     try (var scope = Scope.open()) {                  // all must succeed
 *         Task<User> user = scope.fork(() -> users.find(id));
 *         Task<List<Order>> orders = scope.fork(() -> orderDb.ordersOf(id));
 *         scope.join();                                 // first failure cancels the rest
 *         return new Page(user.get(), orders.get());
 *     }
 * }
 *
 * Quote best = Scope.race(() -> quoteA(), () -> quoteB()); // first success wins
 * List<Image> small = Scope.parallelMap(images, 8, image -> resize(image));
 * }</pre>
 *
 * <p>Outcomes of {@code join()}: the policy's result, or exactly one of
 * {@link dev.fearless.scope.ScopeFailedException} (cause = first failure, suppressed = the others),
 * {@link dev.fearless.scope.ScopeTimeoutException} (deadline),
 * {@link dev.fearless.scope.ScopeCancelledException} ({@code cancel()}) or
 * {@link java.lang.InterruptedException} (owner interrupted; nothing cancelled). Misuse throws
 * {@link java.lang.WrongThreadException}, {@link dev.fearless.scope.ScopeClosedException} or
 * {@link dev.fearless.scope.StructureViolationException}, with a message that names the thread and
 * says how to fix it. The scope's own exceptions share the sealed base
 * {@link dev.fearless.scope.ScopeException}.
 */
@NullMarked
package dev.fearless.scope;

import org.jspecify.annotations.NullMarked;
