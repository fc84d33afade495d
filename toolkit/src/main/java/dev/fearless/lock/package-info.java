/**
 * Deadlock avoidance and detection: ranked locks, deadlock-free acquisition of any set of them,
 * a lock-order checker that reports deadlocks before they happen, and a watchdog that reports
 * those that do.
 *
 * <ul>
 *   <li>{@link dev.fearless.lock.OrderedLock} and {@link dev.fearless.lock.OrderedReadWriteLock}:
 *       reentrant locks (behaving as the JDK's non-fair ones) with a unique rank, a name and an
 *       optional lock class; their common type is {@link dev.fearless.lock.RankedLock}.</li>
 *   <li>{@link dev.fearless.lock.Locks}: take any set of ranked locks at once, in any order,
 *       without deadlock ({@link dev.fearless.lock.Locks.Strategy#BACK_OFF "smart and polite"}
 *       back-off by default, or rank order), uninterruptibly, interruptibly or with a timeout;
 *       one {@link dev.fearless.lock.HeldLocks} releases them all.</li>
 *   <li>{@link dev.fearless.lock.LockOrderChecker}: records which locks were taken while holding
 *       which and reports an acquisition that closes a cycle (any length, between locks or lock
 *       classes) with both stacks of every edge and a possible interleaving; logs it
 *       ({@code WARN}) or throws a {@link dev.fearless.lock.LockOrderException} before acquiring
 *       ({@code THROW}, for tests).</li>
 *   <li>{@link dev.fearless.lock.DeadlockWatchdog}: finds real wait-for cycles among ranked locks,
 *       virtual threads included, which {@code ThreadMXBean} cannot see.</li>
 * </ul>
 *
 * <pre>{@code
 * try (HeldLocks held = Locks.lockAll(from.lock, to.lock)) {
 *     from.balance -= amount;
 *     to.balance += amount;
 * }
 * }</pre>
 *
 * <p>Telemetry: every ranked lock reports acquired, released (outermost release, with the hold
 * time, to listeners that time holds) and abandoned to the
 * {@link dev.fearless.telemetry.TelemetryListener}s, through the handle each bound for it under
 * its name ({@link dev.fearless.telemetry.TelemetryListener#bindLock}); the checker reports
 * {@code lockOrderViolation} (for a hold-and-wait report, the list names the held locks, then
 * the requested ones) and the watchdog {@code deadlockDetected}. With no listener and the checker
 * off, a lock operation pays two flag reads on top of the JDK lock's own work.
 */
@NullMarked
package dev.fearless.lock;

import org.jspecify.annotations.NullMarked;
