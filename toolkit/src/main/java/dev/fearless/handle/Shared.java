package dev.fearless.handle;

import dev.fearless.internal.Durations;
import dev.fearless.internal.Names;
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
 *   <li>Closures, which cannot forget to unlock: {@link #read(Function)} computes a result from
 *       the value; {@link #update(UnaryOperator)} <em>replaces</em> the value with what the
 *       function returns and returns it (as {@code AtomicReference.updateAndGet}), so
 *       {@code counter.update(n -> n + 1)} and even {@code counter.update(n -> n += 1)} do what
 *       they say; {@link #mutate(Consumer)} changes a mutable value <em>in place</em>, and refuses
 *       a value that cannot change in place (a boxed number, a string), where its action could
 *       only reassign its parameter.</li>
 *   <li>A {@link LockGuard} for longer work, in try-with-resources: {@link #lock()},
 *       {@link #lockInterruptibly()}, {@link #tryLock(Duration)}. The guard can also
 *       {@linkplain LockGuard#await(java.util.function.Predicate) wait} until the value satisfies
 *       a condition (Rust's {@code Condvar}); every write wakes such waiters.</li>
 *   <li>Several handles at once, deadlock-free whatever the order, through {@link Locks}:
 *       {@link #update(Shared, Shared, PairFunction)} (guards on both values, returns a result),
 *       {@link #mutate(Shared, Shared, PairAction)} (both values in place),
 *       {@link #updateAll(List, ListFunction)} and {@link #mutateAll(List, ListAction)}. Their
 *       bodies may throw a checked exception, which is rethrown unchanged.</li>
 * </ul>
 *
 * <pre>{@code
 * Shared<Integer> counter = Shared.of("counter", 0);
 * counter.update(n -> n + 1);                            // immutable value: replace it
 *
 * Shared<List<String>> names = Shared.of(new ArrayList<>());
 * names.mutate(list -> list.add("ada"));                 // mutable value: change it in place
 * int size = names.read(List::size);
 *
 * try (LockGuard<Integer> count = counter.lock()) {      // a guard for longer work
 *     count.await(n -> n > 0);                           // wait until another thread counted
 *     count.set(count.get() * 2);
 * }
 *
 * Receipt receipt = Shared.update(from, to, (a, b) -> {  // both, deadlock-free, with a result
 *     if (a.get() < 10) throw new InsufficientFundsException();   // checked: refuses, does not poison
 *     a.set(a.get() - 10);
 *     b.set(b.get() + 10);
 *     return new Receipt(a.get(), b.get());
 * });
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>A guard belongs to the thread that took it ({@link WrongThreadException} elsewhere) and is
 *       dead after close ({@link GuardClosedException}).</li>
 *   <li>The lock is not reentrant for the value: asking for it again on a thread that holds it
 *       throws {@link BorrowException} (a second guard would alias the first; Rust would
 *       deadlock).</li>
 *   <li><b>Poisoning</b> (as Rust's, on a panic: on a bug). An unchecked exception or an error
 *       escaping a closure while the lock is held may have left the value half changed: it marks
 *       the handle (every handle of a multi-handle closure) poisoned, is rethrown unchanged and is
 *       reported as {@link dev.fearless.telemetry.TelemetryListener#handlePoisoned handlePoisoned};
 *       from then on every access throws {@link PoisonedException}, whose
 *       {@link PoisonedException#into()} still hands out the value, until {@link #clearPoison()}.
 *       Three kinds of exception do <em>not</em> poison: a checked exception thrown by a body that
 *       declares it (a business refusal, such as insufficient funds: the body decides what it
 *       leaves behind); a {@link HandleException} (a re-entry {@link BorrowException}, a
 *       {@link PoisonedException} of another handle); and a {@link LockOrderException} (such as a
 *       {@link dev.fearless.lock.PotentialDeadlockException}) raised by the toolkit when the
 *       closure asked for another handle or lock. Java cannot tell a guard's {@code close()} that
 *       an exception is propagating, so guards do not poison. Build a handle with
 *       {@code poisoning(false)} when a failed closure cannot leave the value inconsistent.</li>
 * </ul>
 *
 * <p>Cost: with no telemetry listener and the checker off, a closure access costs what a
 * {@code ReentrantLock} lock/try/finally/unlock around the same work costs, plus an owner check
 * and a few flag reads; it allocates nothing.
 *
 * <p>Memory consistency effects: actions in a thread prior to releasing the handle's lock (the
 * end of a closure, or closing a guard) happen-before actions subsequent to a later acquisition
 * of it by another thread, including the return from a {@link LockGuard#await} wait.
 *
 * @param <T> the value type
 */
public final class Shared<T extends @Nullable Object> {

    /*
     * Implementation overview: the value, poisoning, reentry checks, closures, guards and waiting
     * live in Core (shared with SharedRw), built here with one OrderedLock for reading and
     * writing. This class adds the public surface and the multi-handle closures, which take the
     * set's locks together through Locks.lockAll (checking reentry for every member before taking
     * anything, and poison after taking everything, releasing all before throwing) and wake each
     * member's waiters before releasing the set.
     */

    private final OrderedLock lock;
    private final Core<T> core;

    private Shared(@Nullable String name, @Nullable String lockClass, boolean poisoning, T value) {
        this.lock = new OrderedLock(name, lockClass);
        this.core = new Core<>("Shared", name, lock, lock, poisoning, value);
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
        return new Shared<>(Names.requireValid(name), null, true, value);
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
     * Holds the lock while {@code reader} computes a result from the value. An unchecked exception
     * from {@code reader} poisons the handle (see the class comment) and is rethrown.
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
        return core.read(reader, true);
    }

    /**
     * Holds the lock while {@code updater} computes a new value from the current one, stores it
     * and returns it, as {@code AtomicReference.updateAndGet}: the form for an immutable value
     * ({@code counter.update(n -> n + 1)}). An unchecked exception from {@code updater} poisons
     * the handle, leaves the value unchanged and is rethrown.
     *
     * @param updater computes the new value
     * @return the new value
     * @throws PoisonedException if the handle is poisoned
     * @throws BorrowException if this thread already holds the handle
     * @throws LockOrderException as for {@link #read(Function)}
     * @throws NullPointerException if {@code updater} is null
     */
    public T update(UnaryOperator<T> updater) {
        return core.update(updater);
    }

    /**
     * Holds the lock while {@code action} changes the mutable value in place
     * ({@code names.mutate(list -> list.add("ada"))}). A value that cannot change in place (null,
     * a boxed primitive, a {@code String}, a {@code BigInteger} or {@code BigDecimal}, an enum
     * constant) is refused before {@code action} runs: the action could only reassign its
     * parameter, which changes nothing; use {@link #update(UnaryOperator)}. An unchecked
     * exception from {@code action} poisons the handle and is rethrown.
     *
     * @param action changes the value; must not let it escape
     * @throws UnsupportedOperationException if the value cannot change in place; nothing changes
     *     and the handle is not poisoned
     * @throws PoisonedException if the handle is poisoned
     * @throws BorrowException if this thread already holds the handle
     * @throws LockOrderException as for {@link #read(Function)}
     * @throws NullPointerException if {@code action} is null
     */
    public void mutate(Consumer<? super T> action) {
        core.mutate(action);
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
    public LockGuard<T> lock() {
        core.enterWrite();
        return core.writeGuard();
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
    public LockGuard<T> lockInterruptibly() throws InterruptedException {
        core.checkWriteAllowed();
        lock.lockInterruptibly();
        core.checkPoison(lock);
        return core.writeGuard();
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
    public Optional<LockGuard<T>> tryLock(Duration timeout) throws InterruptedException {
        long nanos = Durations.toNanosSaturated(timeout);
        core.checkWriteAllowed();
        if (!lock.tryLock(nanos, TimeUnit.NANOSECONDS)) {
            return Optional.empty();
        }
        core.checkPoison(lock);
        return Optional.of(core.writeGuard());
    }

    // ------------------------------------------------------------------ several handles

    /**
     * The body of {@link Shared#mutate(Shared, Shared, PairAction)}: changes two values in place
     * and may throw a checked exception of type {@code E}.
     *
     * <pre>{@code
     * Shared.PairAction<Account, Account, RuntimeException> move = (a, b) -> {
     *     a.withdraw(10);
     *     b.deposit(10);
     * };
     * }</pre>
     *
     * @param <A> the first value type
     * @param <B> the second value type
     * @param <E> the checked exception the body may throw ({@code RuntimeException} for none)
     */
    @FunctionalInterface
    public interface PairAction<A extends @Nullable Object, B extends @Nullable Object, E extends Exception> {
        /**
         * Changes the values.
         *
         * @param first the first handle's value
         * @param second the second handle's value
         * @throws E to refuse; does not poison
         */
        void accept(A first, B second) throws E;
    }

    /**
     * The body of {@link Shared#update(Shared, Shared, PairFunction)}: reads and replaces two
     * values through their guards, returns a result, and may throw a checked exception of type
     * {@code E}.
     *
     * <pre>{@code
     * Shared.PairFunction<Long, Long, Long, RuntimeException> move = (a, b) -> {
     *     a.set(a.get() - 10);
     *     b.set(b.get() + 10);
     *     return a.get();
     * };
     * }</pre>
     *
     * @param <A> the first value type
     * @param <B> the second value type
     * @param <R> the result type
     * @param <E> the checked exception the body may throw ({@code RuntimeException} for none)
     */
    @FunctionalInterface
    public interface PairFunction<A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object,
            E extends Exception> {
        /**
         * Computes the result, replacing either value with {@code set} if it likes.
         *
         * @param first a guard on the first handle's value, dead once the body returns
         * @param second a guard on the second handle's value, dead once the body returns
         * @return the result
         * @throws E to refuse; does not poison
         */
        R apply(WriteGuard<A> first, WriteGuard<B> second) throws E;
    }

    /**
     * The body of {@link Shared#mutateAll(List, ListAction)}: changes every value in place and
     * may throw a checked exception of type {@code E}.
     *
     * <pre>{@code
     * Shared.ListAction<Account, RuntimeException> audit = accounts -> accounts.forEach(Account::freeze);
     * }</pre>
     *
     * @param <T> the value type
     * @param <E> the checked exception the body may throw ({@code RuntimeException} for none)
     */
    @FunctionalInterface
    public interface ListAction<T extends @Nullable Object, E extends Exception> {
        /**
         * Changes the values.
         *
         * @param values the values, in the order of the handles; read-only, dead once the body
         *     returns
         * @throws E to refuse; does not poison
         */
        void accept(List<T> values) throws E;
    }

    /**
     * The body of {@link Shared#updateAll(List, ListFunction)}: reads and replaces values through
     * a live list, returns a result, and may throw a checked exception of type {@code E}.
     *
     * <pre>{@code
     * Shared.ListFunction<Long, Long, RuntimeException> total =
     *         values -> values.stream().mapToLong(Long::longValue).sum();
     * }</pre>
     *
     * @param <T> the value type
     * @param <R> the result type
     * @param <E> the checked exception the body may throw ({@code RuntimeException} for none)
     */
    @FunctionalInterface
    public interface ListFunction<T extends @Nullable Object, R extends @Nullable Object, E extends Exception> {
        /**
         * Computes the result, replacing values with {@code set(i, v)} if it likes.
         *
         * @param values the values, in the order of the handles; {@code set(i, v)} replaces the
         *     value of handle {@code i}; dead once the body returns
         * @return the result
         * @throws E to refuse; does not poison
         */
        R apply(List<T> values) throws E;
    }

    /**
     * Holds the locks of both handles, taken together through {@link Locks#lockAll(RankedLock,
     * RankedLock)} (deadlock-free whatever order other threads name them in), while {@code body}
     * reads and replaces the values through a guard on each, and returns what it returns: the
     * form for immutable values, or for a result. The guards are dead once {@code body} returns.
     * A checked exception from {@code body} is rethrown and poisons nothing; an unchecked one
     * poisons both handles (see the class comment) and is rethrown.
     *
     * <pre>{@code
     * Shared<Long> from = Shared.of("from", 100L), to = Shared.of("to", 0L);
     * long left = Shared.update(from, to, (a, b) -> {
     *     if (a.get() < 10) throw new InsufficientFundsException();   // checked: no poison
     *     a.set(a.get() - 10);
     *     b.set(b.get() + 10);
     *     return a.get();
     * });
     * }</pre>
     *
     * @param first a handle
     * @param second another handle
     * @param body reads and replaces the values and computes the result; must not let the guards
     *     or values escape
     * @param <A> the first value type
     * @param <B> the second value type
     * @param <R> the result type
     * @param <E> the checked exception {@code body} may throw
     * @return what {@code body} returned
     * @throws E if {@code body} threw it; both values are as {@code body} left them
     * @throws IllegalArgumentException if {@code first} and {@code second} are the same handle (two
     *     aliases of one value)
     * @throws PoisonedException if either handle is poisoned (both locks are released again)
     * @throws BorrowException if this thread already holds either handle
     * @throws LockOrderException if the lock-order checker is in THROW mode and taking these locks
     *     while holding the thread's other locks breaks a rule; thrown before anything is taken
     * @throws NullPointerException if an argument is null
     */
    public static <A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object,
            E extends Exception> R update(Shared<A> first, Shared<B> second, PairFunction<A, B, R, E> body) throws E {
        Objects.requireNonNull(body, "body");
        HeldLocks held = lockPair(first, second);
        WriteHeld<A> a = first.core.slot();
        WriteHeld<B> b = second.core.slot();
        try {
            return body.apply(a, b);
        } catch (Throwable failure) {
            first.core.failed(failure);
            second.core.failed(failure);
            throw failure;
        } finally {
            a.close();
            b.close();
            first.core.signalWaiters();
            second.core.signalWaiters();
            held.close();
        }
    }

    /**
     * Holds the locks of both handles, taken together as for
     * {@link #update(Shared, Shared, PairFunction)}, while {@code action} changes both mutable
     * values in place. A value that cannot change in place (see {@link #mutate(Consumer)}) is
     * refused before {@code action} runs. A checked exception from {@code action} is rethrown and
     * poisons nothing; an unchecked one poisons both handles and is rethrown.
     *
     * <pre>{@code
     * Shared.mutate(checking, savings, (a, b) -> { a.withdraw(10); b.deposit(10); });
     * }</pre>
     *
     * @param first a handle
     * @param second another handle
     * @param action changes both values; must not let them escape
     * @param <A> the first value type
     * @param <B> the second value type
     * @param <E> the checked exception {@code action} may throw
     * @throws E if {@code action} threw it
     * @throws UnsupportedOperationException if either value cannot change in place; nothing
     *     changes and nothing is poisoned
     * @throws IllegalArgumentException if {@code first} and {@code second} are the same handle
     * @throws PoisonedException if either handle is poisoned (both locks are released again)
     * @throws BorrowException if this thread already holds either handle
     * @throws LockOrderException as for {@link #update(Shared, Shared, PairFunction)}
     * @throws NullPointerException if an argument is null
     */
    public static <A extends @Nullable Object, B extends @Nullable Object, E extends Exception> void mutate(
            Shared<A> first, Shared<B> second, PairAction<? super A, ? super B, E> action) throws E {
        Objects.requireNonNull(action, "action");
        HeldLocks held = lockPair(first, second);
        try {
            A a = first.core.value;
            B b = second.core.value;
            if (Core.cannotChangeInPlace(a)) {
                throw first.core.immutable("Shared.mutate(first, second, action)", a);
            }
            if (Core.cannotChangeInPlace(b)) {
                throw second.core.immutable("Shared.mutate(first, second, action)", b);
            }
            try {
                action.accept(a, b);
            } catch (Throwable failure) {
                first.core.failed(failure);
                second.core.failed(failure);
                throw failure;
            }
        } finally {
            first.core.signalWaiters();
            second.core.signalWaiters();
            held.close();
        }
    }

    /**
     * Holds the locks of every handle in {@code handles}, taken together through
     * {@link Locks#lockAll(java.util.Collection)} (deadlock-free whatever order other threads name
     * them in), while {@code body} works on their values, and returns what it returns. The list
     * {@code body} receives has the values in the order of {@code handles}; {@code set(i, v)} on
     * it replaces the value of handle {@code i}, so immutable values can be updated too. The list
     * is dead once {@code body} returns ({@link GuardClosedException}). A checked exception from
     * {@code body} is rethrown and poisons nothing; an unchecked one poisons every handle and is
     * rethrown.
     *
     * <pre>{@code
     * int total = Shared.updateAll(List.of(a, b, c), values -> {
     *     int sum = values.stream().mapToInt(Integer::intValue).sum();
     *     values.replaceAll(v -> sum);
     *     return sum;
     * });
     * }</pre>
     *
     * @param handles the handles, distinct, in any order
     * @param body works on the values; must not let the list or the values escape
     * @param <T> the value type
     * @param <R> the result type
     * @param <E> the checked exception {@code body} may throw
     * @return what {@code body} returned
     * @throws E if {@code body} threw it
     * @throws IllegalArgumentException if a handle appears twice (two aliases of one value)
     * @throws PoisonedException if any handle is poisoned (every lock is released again)
     * @throws BorrowException if this thread already holds any of the handles
     * @throws LockOrderException as for {@link #update(Shared, Shared, PairFunction)}
     * @throws NullPointerException if an argument or a handle is null
     */
    public static <T extends @Nullable Object, R extends @Nullable Object, E extends Exception> R updateAll(
            List<? extends Shared<T>> handles, ListFunction<T, R, E> body) throws E {
        Objects.requireNonNull(body, "body");
        Values<T> values = lockAll(handles, true);
        try {
            return body.apply(values);
        } catch (Throwable failure) {
            values.failed(failure);
            throw failure;
        } finally {
            values.close();
        }
    }

    /**
     * Holds the locks of every handle in {@code handles}, taken together as for
     * {@link #updateAll(List, ListFunction)}, while {@code action} changes their mutable values in
     * place. The list {@code action} receives is read-only and dead once it returns. A value that
     * cannot change in place (see {@link #mutate(Consumer)}) is refused before {@code action}
     * runs. A checked exception from {@code action} is rethrown and poisons nothing; an unchecked
     * one poisons every handle and is rethrown.
     *
     * <pre>{@code
     * Shared.mutateAll(accounts, values -> values.forEach(Account::applyInterest));
     * }</pre>
     *
     * @param handles the handles, distinct, in any order
     * @param action changes the values; must not let the list or the values escape
     * @param <T> the value type
     * @param <E> the checked exception {@code action} may throw
     * @throws E if {@code action} threw it
     * @throws UnsupportedOperationException if a value cannot change in place; nothing changes and
     *     nothing is poisoned
     * @throws IllegalArgumentException if a handle appears twice
     * @throws PoisonedException if any handle is poisoned (every lock is released again)
     * @throws BorrowException if this thread already holds any of the handles
     * @throws LockOrderException as for {@link #update(Shared, Shared, PairFunction)}
     * @throws NullPointerException if an argument or a handle is null
     */
    public static <T extends @Nullable Object, E extends Exception> void mutateAll(
            List<? extends Shared<T>> handles, ListAction<T, E> action) throws E {
        Objects.requireNonNull(action, "action");
        Values<T> values = lockAll(handles, false);
        try {
            for (Shared<T> shared : values.members) {
                T value = shared.core.value;
                if (Core.cannotChangeInPlace(value)) {
                    throw shared.core.immutable("Shared.mutateAll(handles, action)", value);
                }
            }
            try {
                action.accept(values);
            } catch (Throwable failure) {
                values.failed(failure);
                throw failure;
            }
        } finally {
            values.close();
        }
    }

    /** Checks both handles, takes both locks and checks poison; on failure nothing is held. */
    private static HeldLocks lockPair(Shared<?> first, Shared<?> second) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        if (first == second) {
            throw new IllegalArgumentException("first and second are the same handle, " + first.core.handle
                    + ": the body would get two aliases of one value; use the single-handle form");
        }
        first.core.checkWriteAllowed();
        second.core.checkWriteAllowed();
        HeldLocks held = Locks.lockAll(first.lock, second.lock);
        try {
            first.core.checkPoisonHeld();
            second.core.checkPoisonHeld();
        } catch (PoisonedException e) {
            held.close();
            throw e;
        }
        return held;
    }

    /** Checks the handles, takes every lock and checks poison; on failure nothing is held. */
    private static <T extends @Nullable Object> Values<T> lockAll(List<? extends Shared<T>> handles, boolean writable) {
        Objects.requireNonNull(handles, "handles");
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
                            + shared.core.handle + ": the body would get two aliases of one value; pass it once");
                }
            }
            shared.core.checkWriteAllowed();
            locks[i] = shared.lock;
        }
        HeldLocks held = Locks.lockAll(locks);
        try {
            for (Shared<T> shared : set) {
                shared.core.checkPoisonHeld();
            }
        } catch (PoisonedException e) {
            held.close();
            throw e;
        }
        return new Values<>(set, held, writable);
    }

    // ------------------------------------------------------------------ poisoning

    /**
     * Returns whether the handle is poisoned: a closure threw an unchecked exception while
     * holding it, and {@link #clearPoison()} has not been called since. Always {@code false} for a
     * handle built with {@code poisoning(false)}.
     *
     * @return {@code true} if poisoned
     */
    public boolean isPoisoned() {
        return core.isPoisoned();
    }

    /** Marks the value healthy again, as Rust's {@code Mutex::clear_poison}; does not take the lock. */
    public void clearPoison() {
        core.clearPoison();
    }

    /**
     * Returns the name given at construction, or {@link Telemetry#DEFAULT_NAME}.
     *
     * @return the name
     */
    public String name() {
        return core.name;
    }

    /**
     * Describes the handle and its lock, never the value, such as
     * {@code Shared['counter', OrderedLock[counter#7, unlocked]]}.
     *
     * @return a description for logs
     */
    @Override
    public String toString() {
        return core.describe("Shared", lock);
    }

    // ------------------------------------------------------------------ internals

    /** The value list of the all-handles forms: a live view while the locks are held, dead afterwards. */
    private static final class Values<T extends @Nullable Object> extends AbstractList<T> implements RandomAccess {
        final Shared<T>[] members;
        private final HeldLocks held;
        private final boolean writable;
        private final Thread owner = Thread.currentThread();
        private boolean open = true;

        Values(Shared<T>[] set, HeldLocks held, boolean writable) {
            this.members = set;
            this.held = held;
            this.writable = writable;
        }

        private void check() {
            if (Thread.currentThread() != owner) {
                throw Sites.wrongThread("use of the value list of a Shared all-handles closure", owner);
            }
            if (!open) {
                throw new GuardClosedException("use of the value list of a Shared all-handles closure after it"
                        + " returned: the locks are released; do not let the list escape the closure");
            }
        }

        @Override
        public T get(int index) {
            check();
            return members[index].core.value;
        }

        @Override
        public T set(int index, T element) {
            check();
            if (!writable) {
                throw new UnsupportedOperationException("set() on the read-only value list of Shared.mutateAll:"
                        + " use Shared.updateAll to replace values");
            }
            Core<T> core = members[index].core;
            T previous = core.value;
            core.value = element;
            return previous;
        }

        @Override
        public int size() {
            check();
            return members.length;
        }

        /** Called holding the locks after the closure threw. */
        void failed(Throwable failure) {
            for (Shared<T> shared : members) {
                shared.core.failed(failure);
            }
        }

        /** Kills the list, wakes every member's waiters and releases the locks. */
        void close() {
            open = false;
            for (Shared<T> shared : members) {
                shared.core.signalWaiters();
            }
            held.close();
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
         * @throws IllegalArgumentException if {@code name} is blank
         */
        public Builder name(String name) {
            this.name = Names.requireValid(name);
            return this;
        }

        /**
         * Sets the lock class of the handle's {@link OrderedLock} (see
         * {@link RankedLock#lockClass()}).
         *
         * @param lockClass the role, such as {@code "Account"}
         * @return this builder
         * @throws NullPointerException if {@code lockClass} is null
         * @throws IllegalArgumentException if {@code lockClass} is blank
         */
        public Builder lockClass(String lockClass) {
            this.lockClass = Names.requireValid(lockClass, "lockClass");
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
