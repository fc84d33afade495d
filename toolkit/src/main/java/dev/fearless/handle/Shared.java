package dev.fearless.handle;

import dev.fearless.lock.HeldLocks;
import dev.fearless.lock.LockOrderChecker;
import dev.fearless.lock.LockOrderException;
import dev.fearless.lock.Locks;
import dev.fearless.lock.OrderedLock;
import dev.fearless.lock.RankedLock;
import dev.fearless.telemetry.Telemetry;
import java.time.Duration;
import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A value shared between threads and reachable only while its lock is held: the counterpart of
 * Rust's {@code Arc<Mutex<T>>}. The lock is an {@link OrderedLock}, so every access takes part in
 * the {@link LockOrderChecker} and reports lock telemetry under the handle's name.
 *
 * <h2>Access</h2>
 * <ul>
 *   <li>Closures, which cannot forget to unlock: {@link #read(Function)} to compute a result from
 *       the value, {@link #update(Consumer)} to change a mutable value in place, and
 *       {@link #updateAndGet(UnaryOperator)} to replace an immutable one (as
 *       {@code AtomicReference.updateAndGet}).</li>
 *   <li>A {@link WriteGuard} for longer work, in try-with-resources: {@link #lock()},
 *       {@link #lockInterruptibly()}, {@link #tryLock(Duration)}.</li>
 *   <li>Several handles at once, deadlock-free whatever the order, through {@link Locks}:
 *       {@link #update(Shared, Shared, BiConsumer)} and {@link #updateAll(List, Consumer)}.</li>
 * </ul>
 *
 * <pre>{@code
 * Shared<Integer> counter = Shared.of("counter", 0);
 * counter.updateAndGet(n -> n + 1);                       // immutable value: replace it
 *
 * Shared<List<String>> names = Shared.of(new ArrayList<>());
 * names.update(list -> list.add("ada"));                  // mutable value: change it in place
 * int size = names.read(List::size);
 *
 * try (WriteGuard<Integer> count = counter.lock()) {      // a guard for longer work
 *     count.set(count.get() * 2);
 * }
 *
 * Shared.update(from, to, (a, b) -> { a.withdraw(10); b.deposit(10); });   // both, deadlock-free
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>A guard belongs to the thread that took it ({@link WrongThreadException} elsewhere) and is
 *       dead after close ({@link GuardClosedException}).</li>
 *   <li>The lock is not reentrant for the value: asking for it again on a thread that holds it
 *       throws {@link BorrowException} (a second guard would alias the first; Rust would
 *       deadlock).</li>
 *   <li><b>Poisoning</b>: an exception thrown by a closure while the lock is held marks the handle
 *       poisoned (the exception is rethrown unchanged, and reported as
 *       {@link dev.fearless.telemetry.TelemetryListener#handlePoisoned handlePoisoned}); from then
 *       on every access throws {@link PoisonedException}, whose {@link PoisonedException#into()}
 *       still hands out the value, until {@link #clearPoison()}. Java cannot tell a guard's
 *       {@code close()} that an exception is propagating, so guards do not poison. Build a
 *       handle with {@code poisoning(false)} when a failed update cannot leave the value
 *       inconsistent.</li>
 * </ul>
 *
 * <p>Cost: with no telemetry listener and the checker off, a closure access costs what a
 * {@code ReentrantLock} lock/try/finally/unlock around the same work costs, plus an owner check
 * and a few volatile flag reads; it allocates nothing.
 *
 * <p>Memory consistency effects: actions in a thread prior to releasing the handle's lock (the
 * end of a closure, or closing a guard) happen-before actions subsequent to a later acquisition
 * of it by another thread.
 *
 * @param <T> the value type
 */
public final class Shared<T extends @Nullable Object> {

    /*
     * Implementation overview: the value is a plain field read and written only while `lock`
     * (an OrderedLock) is held by the accessing thread, which orders every access. `poison` is
     * volatile so isPoisoned() may be read without the lock; it is written under the lock
     * (poisoning) or without it (clearPoison, as Rust's clear_poison). Every acquisition checks
     * reentry before taking the lock (so a BorrowException leaves nothing held) and poison after
     * taking it (releasing again before throwing, so a PoisonedException never leaves the lock
     * held). The closure paths allocate nothing.
     */

    private final OrderedLock lock;
    private final String name;
    private final String handle;
    private final boolean poisoning;
    private volatile @Nullable Throwable poison;
    private T value;

    private Shared(@Nullable String name, @Nullable String lockClass, boolean poisoning, T value) {
        this.lock = new OrderedLock(name, lockClass);
        this.name = Telemetry.nameOrDefault(name);
        this.handle = "Shared '" + this.name + "'";
        this.poisoning = poisoning;
        this.value = value;
    }

    /**
     * Creates an unnamed, poisoning handle.
     *
     * @param value the initial value
     * @param <T> the value type
     * @return the handle
     */
    public static <T extends @Nullable Object> Shared<T> of(T value) {
        return new Shared<>(null, null, true, value);
    }

    /**
     * Creates a named, poisoning handle; the name tags its lock and handle telemetry.
     *
     * @param name the name
     * @param value the initial value
     * @param <T> the value type
     * @return the handle
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static <T extends @Nullable Object> Shared<T> of(String name, T value) {
        return new Shared<>(Objects.requireNonNull(name, "name"), null, true, value);
    }

    /**
     * Returns a builder for handles with a name, a lock class or no poisoning.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ closures

    /**
     * Holds the lock while {@code reader} computes a result from the value. An exception from
     * {@code reader} poisons the handle and is rethrown.
     *
     * @param reader computes the result; must not let the value escape
     * @param <R> the result type
     * @return what {@code reader} returned
     * @throws PoisonedException if the handle is poisoned
     * @throws BorrowException if this thread already holds the handle
     * @throws LockOrderException if the lock-order checker is in THROW mode and this acquisition
     *     breaks the lock order
     * @throws NullPointerException if {@code reader} is null
     */
    public <R extends @Nullable Object> R read(Function<? super T, ? extends R> reader) {
        Objects.requireNonNull(reader, "reader");
        enter();
        try {
            return reader.apply(value);
        } catch (Throwable failure) {
            poison(failure);
            throw failure;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Holds the lock while {@code action} changes the (mutable) value in place. An exception from
     * {@code action} poisons the handle and is rethrown.
     *
     * @param action changes the value; must not let it escape
     * @throws PoisonedException if the handle is poisoned
     * @throws BorrowException if this thread already holds the handle
     * @throws LockOrderException as for {@link #read(Function)}
     * @throws NullPointerException if {@code action} is null
     */
    public void update(Consumer<? super T> action) {
        Objects.requireNonNull(action, "action");
        enter();
        try {
            action.accept(value);
        } catch (Throwable failure) {
            poison(failure);
            throw failure;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Holds the lock while {@code updater} computes a new value from the current one, stores it
     * and returns it. An exception from {@code updater} poisons the handle, leaves the value
     * unchanged and is rethrown.
     *
     * @param updater computes the new value
     * @return the new value
     * @throws PoisonedException if the handle is poisoned
     * @throws BorrowException if this thread already holds the handle
     * @throws LockOrderException as for {@link #read(Function)}
     * @throws NullPointerException if {@code updater} is null
     */
    public T updateAndGet(UnaryOperator<T> updater) {
        Objects.requireNonNull(updater, "updater");
        enter();
        try {
            T next = updater.apply(value);
            value = next;
            return next;
        } catch (Throwable failure) {
            poison(failure);
            throw failure;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ guards

    /**
     * Takes the lock, waiting uninterruptibly, and returns a guard on the value.
     *
     * @return an open guard; close it on this thread
     * @throws PoisonedException if the handle is poisoned (the lock is released again)
     * @throws BorrowException if this thread already holds the handle
     * @throws LockOrderException as for {@link #read(Function)}
     */
    public WriteGuard<T> lock() {
        enter();
        return new LockGuard();
    }

    /**
     * Takes the lock unless the thread is interrupted, and returns a guard on the value.
     *
     * @return an open guard; close it on this thread
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; the
     *     lock is then not held
     * @throws PoisonedException if the handle is poisoned (the lock is released again)
     * @throws BorrowException if this thread already holds the handle
     * @throws LockOrderException as for {@link #read(Function)}
     */
    public WriteGuard<T> lockInterruptibly() throws InterruptedException {
        checkNotHeld();
        lock.lockInterruptibly();
        checkPoison();
        return new LockGuard();
    }

    /**
     * Takes the lock if it becomes free within {@code timeout}, and returns a guard on the value;
     * a zero timeout does not wait.
     *
     * @param timeout how long to wait at most
     * @return an open guard, or empty if the timeout elapsed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; the
     *     lock is then not held
     * @throws PoisonedException if the handle is poisoned (the lock is released again)
     * @throws BorrowException if this thread already holds the handle
     * @throws LockOrderException as for {@link #read(Function)}
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public Optional<WriteGuard<T>> tryLock(Duration timeout) throws InterruptedException {
        long nanos = Durations.toNanos(timeout);
        checkNotHeld();
        if (!lock.tryLock(nanos, TimeUnit.NANOSECONDS)) {
            return Optional.empty();
        }
        checkPoison();
        return Optional.of(new LockGuard());
    }

    // ------------------------------------------------------------------ several handles

    /**
     * Holds the locks of both handles, taken together through {@link Locks#lockAll(RankedLock,
     * RankedLock)} (deadlock-free whatever order other threads name them in), while
     * {@code action} changes both values in place. An exception from {@code action} poisons both
     * handles and is rethrown.
     *
     * <pre>{@code
     * Shared.update(from, to, (a, b) -> { a.withdraw(10); b.deposit(10); });
     * }</pre>
     *
     * @param first a handle
     * @param second another handle
     * @param action changes both values; must not let them escape
     * @param <A> the first value type
     * @param <B> the second value type
     * @throws IllegalArgumentException if {@code first} and {@code second} are the same handle (two
     *     aliases of one value)
     * @throws PoisonedException if either handle is poisoned (both locks are released again)
     * @throws BorrowException if this thread already holds either handle
     * @throws LockOrderException if the lock-order checker is in THROW mode and taking these locks
     *     while holding the thread's other locks breaks a rule; thrown before anything is taken
     * @throws NullPointerException if an argument is null
     */
    public static <A extends @Nullable Object, B extends @Nullable Object> void update(
            Shared<A> first, Shared<B> second, BiConsumer<? super A, ? super B> action) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        Objects.requireNonNull(action, "action");
        if (first == second) {
            throw new IllegalArgumentException("first and second are the same handle, " + first.handle
                    + ": the action would get two aliases of one value; update it alone");
        }
        first.checkNotHeld();
        second.checkNotHeld();
        HeldLocks held = Locks.lockAll(first.lock, second.lock);
        try {
            first.checkPoisonHeld();
            second.checkPoisonHeld();
            try {
                action.accept(first.value, second.value);
            } catch (Throwable failure) {
                first.poison(failure);
                second.poison(failure);
                throw failure;
            }
        } finally {
            held.close();
        }
    }

    /**
     * Holds the locks of every handle in {@code handles}, taken together through
     * {@link Locks#lockAll(java.util.Collection)} (deadlock-free whatever order other threads name
     * them in), while {@code action} works on their values. The list {@code action} receives has
     * the values in the order of {@code handles}; {@code set(i, v)} on it replaces the value of
     * handle {@code i}, so immutable values can be updated too. The list is dead once
     * {@code action} returns ({@link GuardClosedException}). An exception from {@code action}
     * poisons every handle and is rethrown.
     *
     * <pre>{@code
     * Shared.updateAll(List.of(a, b, c), values -> {
     *     int total = values.stream().mapToInt(Integer::intValue).sum();
     *     values.replaceAll(v -> total);
     * });
     * }</pre>
     *
     * @param handles the handles, distinct, in any order
     * @param action works on the values; must not let the list or the values escape
     * @param <T> the value type
     * @throws IllegalArgumentException if a handle appears twice (two aliases of one value)
     * @throws PoisonedException if any handle is poisoned (every lock is released again)
     * @throws BorrowException if this thread already holds any of the handles
     * @throws LockOrderException as for {@link #update(Shared, Shared, BiConsumer)}
     * @throws NullPointerException if an argument or a handle is null
     */
    public static <T extends @Nullable Object> void updateAll(
            List<? extends Shared<T>> handles, Consumer<? super List<T>> action) {
        Objects.requireNonNull(handles, "handles");
        Objects.requireNonNull(action, "action");
        @SuppressWarnings("unchecked")
        Shared<T>[] set = (Shared<T>[]) handles.toArray(new Shared<?>[0]);
        RankedLock[] locks = new RankedLock[set.length];
        for (int i = 0; i < set.length; i++) {
            Shared<T> shared = set[i];
            if (shared == null) {
                throw new NullPointerException("handles[" + i + "]");
            }
            for (int j = 0; j < i; j++) {
                if (set[j] == shared) {
                    throw new IllegalArgumentException("handles[" + j + "] and handles[" + i + "] are the same handle, "
                            + shared.handle + ": the action would get two aliases of one value; pass it once");
                }
            }
            shared.checkNotHeld();
            locks[i] = shared.lock;
        }
        HeldLocks held = Locks.lockAll(locks);
        Values<T> values = new Values<>(set);
        try {
            for (Shared<T> shared : set) {
                shared.checkPoisonHeld();
            }
            try {
                action.accept(values);
            } catch (Throwable failure) {
                for (Shared<T> shared : set) {
                    shared.poison(failure);
                }
                throw failure;
            }
        } finally {
            values.open = false;
            held.close();
        }
    }

    // ------------------------------------------------------------------ poisoning

    /**
     * Returns whether the handle is poisoned: a closure threw while holding it, and
     * {@link #clearPoison()} has not been called since. Always {@code false} for a handle built
     * with {@code poisoning(false)}.
     *
     * @return {@code true} if poisoned
     */
    public boolean isPoisoned() {
        return poison != null;
    }

    /** Marks the value healthy again, as Rust's {@code Mutex::clear_poison}; does not take the lock. */
    public void clearPoison() {
        poison = null;
    }

    /**
     * Returns the name given at construction, or {@link Telemetry#DEFAULT_NAME}.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Describes the handle and its lock, never the value, such as
     * {@code Shared['counter', OrderedLock[counter#7, unlocked]]}.
     *
     * @return a description for logs
     */
    @Override
    public String toString() {
        return "Shared['" + name + "', " + lock + (poison != null ? ", poisoned]" : "]");
    }

    // ------------------------------------------------------------------ internals

    /** Checks reentry, takes the lock, checks poison. */
    private void enter() {
        checkNotHeld();
        lock.lock();
        checkPoison();
    }

    private void checkNotHeld() {
        if (lock.isHeldByCurrentThread()) {
            throw Poison.reentered(handle, "exclusive", "exclusive");
        }
    }

    /** Called holding the lock: releases it and throws if poisoned. */
    private void checkPoison() {
        if (poison != null) {
            lock.unlock();
            throw poisoned();
        }
    }

    /** Called holding the lock as part of a set: throws if poisoned; the caller releases. */
    private void checkPoisonHeld() {
        if (poison != null) {
            throw poisoned();
        }
    }

    private PoisonedException poisoned() {
        Throwable cause = Objects.requireNonNullElseGet(poison, () -> new IllegalStateException("poison cleared"));
        return Poison.poisoned(handle, cause, this::lockIgnoringPoison, this::clearPoison);
    }

    private WriteGuard<?> lockIgnoringPoison() {
        checkNotHeld();
        lock.lock();
        return new LockGuard();
    }

    /** Called holding the lock after a closure threw. */
    private void poison(Throwable failure) {
        if (poisoning && poison == null) {
            poison = failure;
            Poison.reportPoisoned(name);
        }
    }

    /** The guard of lock(): reads and writes the value while the lock is held. */
    private final class LockGuard extends WriteHeld<T> {
        LockGuard() {
            super(name, handle);
        }

        @Override
        T load() {
            return value;
        }

        @Override
        void store(T next) {
            value = next;
        }

        @Override
        void release() {
            lock.unlock();
        }

        @Override
        String handle() {
            return handle;
        }
    }

    /** The value list of updateAll: a live view while the locks are held, dead afterwards. */
    private static final class Values<T extends @Nullable Object> extends AbstractList<T> implements RandomAccess {
        private final Shared<T>[] set;
        private final Thread owner = Thread.currentThread();
        boolean open = true;

        Values(Shared<T>[] set) {
            this.set = set;
        }

        private void check() {
            if (Thread.currentThread() != owner) {
                throw Sites.wrongThread("use of the value list of Shared.updateAll", owner);
            }
            if (!open) {
                throw new GuardClosedException("use of the value list of Shared.updateAll after the action"
                        + " returned: the locks are released; do not let the list escape the action");
            }
        }

        @Override
        public T get(int index) {
            check();
            return set[index].value;
        }

        @Override
        public T set(int index, T element) {
            check();
            Shared<T> shared = set[index];
            T previous = shared.value;
            shared.value = element;
            return previous;
        }

        @Override
        public int size() {
            check();
            return set.length;
        }
    }

    /**
     * Builds {@link Shared} handles with a name, a lock class or no poisoning.
     *
     * <pre>{@code
     * Shared<Account> account = Shared.builder()
     *         .name("account-" + id)
     *         .lockClass("Account")      // the lock-order checker tracks all accounts as one class
     *         .poisoning(false)
     *         .build(new Account(id));
     * }</pre>
     */
    public static final class Builder {
        private @Nullable String name;
        private @Nullable String lockClass;
        private boolean poisoning = true;

        private Builder() {}

        /**
         * Sets the name that tags the handle's lock and handle telemetry.
         *
         * @param name the name
         * @return this builder
         * @throws NullPointerException if {@code name} is null
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Sets the lock class of the handle's {@link OrderedLock} (see
         * {@link RankedLock#lockClass()}).
         *
         * @param lockClass the role, such as {@code "Account"}
         * @return this builder
         * @throws NullPointerException if {@code lockClass} is null
         */
        public Builder lockClass(String lockClass) {
            this.lockClass = Objects.requireNonNull(lockClass, "lockClass");
            return this;
        }

        /**
         * Sets whether an exception thrown by a closure poisons the handle (default {@code true}).
         *
         * @param poisoning {@code false} for a handle that is never poisoned
         * @return this builder
         */
        public Builder poisoning(boolean poisoning) {
            this.poisoning = poisoning;
            return this;
        }

        /**
         * Builds a handle holding {@code value}.
         *
         * @param value the initial value
         * @param <T> the value type
         * @return the handle
         * @throws IllegalArgumentException if the name or lock class is blank
         */
        public <T extends @Nullable Object> Shared<T> build(T value) {
            return new Shared<>(name, lockClass, poisoning, value);
        }
    }
}
