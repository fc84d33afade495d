package dev.fearless.handle;

import dev.fearless.internal.Durations;
import dev.fearless.internal.Names;
import dev.fearless.lock.LockOrderChecker;
import dev.fearless.lock.LockOrderException;
import dev.fearless.lock.OrderedReadWriteLock;
import dev.fearless.lock.RankedLock;
import dev.fearless.telemetry.Telemetry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A value shared between threads that many readers or one writer may reach at a time: the
 * counterpart of Rust's {@code RwLock<T>}. The lock is an {@link OrderedReadWriteLock}, so every
 * access takes part in the {@link LockOrderChecker} and reports lock telemetry under the handle's
 * name.
 *
 * <ul>
 *   <li>Closures: {@link #read(Function)} under the read lock; {@link #update(UnaryOperator)}
 *       (replace the value with what the function returns) and {@link #mutate(Consumer)} (change
 *       a mutable value in place; a value that cannot change in place is refused) under the write
 *       lock, as for {@link Shared}.</li>
 *   <li>Guards, in try-with-resources: {@link #read()}, {@link #readInterruptibly()},
 *       {@link #tryRead(Duration)} return a {@link Guard}; {@link #write()},
 *       {@link #writeInterruptibly()}, {@link #tryWrite(Duration)} a {@link LockGuard}, which can
 *       also {@linkplain LockGuard#await(java.util.function.Predicate) wait} until the value
 *       satisfies a condition (every write wakes such waiters).</li>
 * </ul>
 *
 * <pre>{@code
 * SharedRw<Map<String, Price>> prices = SharedRw.of("prices", new HashMap<>());
 * Price p = prices.read(map -> map.get("ACME"));             // many readers at once
 * prices.mutate(map -> map.put("ACME", new Price(42)));       // one writer, in place
 * SharedRw<Integer> version = SharedRw.of(1);
 * version.update(v -> v + 1);                                  // one writer, replacing
 * try (Guard<Map<String, Price>> view = prices.read()) {
 *     render(view.get());
 * }
 * }</pre>
 *
 * <p>Rules, as for {@link Shared}: guards are confined to their thread and dead after close; a
 * thread that holds the write lock may not take the handle again, and one that holds a read lock
 * may take another read lock but not the write lock (upgrading would deadlock), which throws
 * {@link BorrowException}. <b>Poisoning</b>, as in Rust, comes only from writers, and follows
 * {@link Shared}'s rule: an unchecked exception thrown by an {@code update} or {@code mutate}
 * closure (but not a {@link HandleException} or {@link LockOrderException} raised by the toolkit
 * inside it) poisons the handle, and from then on every access, reads included, throws
 * {@link PoisonedException} until {@link #clearPoison()}; an exception in a {@code read} closure
 * is rethrown and poisons nothing. Build with {@code poisoning(false)} to turn poisoning off. The
 * read lock is non-fair, as {@code ReentrantReadWriteLock}'s.
 *
 * <p>Memory consistency effects: actions in a thread prior to releasing the write lock
 * happen-before actions subsequent to a later acquisition of the read or write lock by another
 * thread.
 *
 * @param <T> the value type
 */
public final class SharedRw<T extends @Nullable Object> {

    /*
     * Implementation overview: as Shared, with the two locks of an OrderedReadWriteLock given to
     * Core, which holds the value, poisoning, reentry checks, closures, guards and waiting. Reentry
     * is checked before acquiring: read-in-write and write-in-anything throw; read-in-read is
     * allowed (the JDK's read lock lets a thread that holds a read hold take another even when a
     * writer is queued, so it cannot deadlock). Waiting needs a condition, which only the write
     * lock has, so only write guards wait.
     */

    private final OrderedReadWriteLock rw;
    private final RankedLock readLock;
    private final RankedLock writeLock;
    private final Core<T> core;

    private SharedRw(@Nullable String name, @Nullable String lockClass, boolean poisoning, T value) {
        this.rw = new OrderedReadWriteLock(name, lockClass);
        this.readLock = rw.readLock();
        this.writeLock = rw.writeLock();
        this.core = new Core<>("SharedRw", name, readLock, writeLock, poisoning, value);
    }

    /**
     * Creates an unnamed, poisoning handle.
     *
     * @param value the initial value
     * @param <T> the value type
     * @return the handle
     */
    public static <T extends @Nullable Object> SharedRw<T> of(T value) {
        return new SharedRw<>(null, null, true, value);
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
    public static <T extends @Nullable Object> SharedRw<T> of(String name, T value) {
        return new SharedRw<>(Names.requireValid(name), null, true, value);
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
     * Holds the read lock while {@code reader} computes a result from the value; other readers may
     * run at the same time, so {@code reader} must not change the value. An exception from it is
     * rethrown and does not poison.
     *
     * @param reader computes the result; must not change the value or let it escape
     * @param <R> the result type
     * @return what {@code reader} returned
     * @throws PoisonedException if the handle is poisoned
     * @throws BorrowException if this thread holds the write lock
     * @throws LockOrderException if the lock-order checker is in THROW mode and this acquisition
     *     breaks the lock order
     * @throws NullPointerException if {@code reader} is null
     */
    public <R extends @Nullable Object> R read(Function<? super T, ? extends R> reader) {
        return core.read(reader, false);
    }

    /**
     * Holds the write lock while {@code updater} computes a new value from the current one, stores
     * it and returns it: the form for an immutable value. An unchecked exception from
     * {@code updater} poisons the handle, leaves the value unchanged and is rethrown.
     *
     * @param updater computes the new value
     * @return the new value
     * @throws PoisonedException if the handle is poisoned
     * @throws BorrowException if this thread holds the read or write lock
     * @throws LockOrderException as for {@link #read(Function)}
     * @throws NullPointerException if {@code updater} is null
     */
    public T update(UnaryOperator<T> updater) {
        return core.update(updater);
    }

    /**
     * Holds the write lock while {@code action} changes the mutable value in place. A value that
     * cannot change in place is refused before {@code action} runs, as by
     * {@link Shared#mutate(Consumer)}. An unchecked exception from {@code action} poisons the
     * handle and is rethrown.
     *
     * @param action changes the value; must not let it escape
     * @throws UnsupportedOperationException if the value cannot change in place; nothing changes
     *     and the handle is not poisoned
     * @throws PoisonedException if the handle is poisoned
     * @throws BorrowException if this thread holds the read or write lock
     * @throws LockOrderException as for {@link #read(Function)}
     * @throws NullPointerException if {@code action} is null
     */
    public void mutate(Consumer<? super T> action) {
        core.mutate(action);
    }

    // ------------------------------------------------------------------ read guards

    /**
     * Takes the read lock, waiting uninterruptibly, and returns a read guard.
     *
     * @return an open guard; close it on this thread
     * @throws PoisonedException if the handle is poisoned (the lock is released again)
     * @throws BorrowException if this thread holds the write lock
     * @throws LockOrderException as for {@link #read(Function)}
     */
    public Guard<T> read() {
        core.enterRead();
        return core.readGuard();
    }

    /**
     * Takes the read lock unless the thread is interrupted, and returns a read guard.
     *
     * @return an open guard; close it on this thread
     * @throws InterruptedException if the thread is interrupted on entry or while waiting
     * @throws PoisonedException if the handle is poisoned (the lock is released again)
     * @throws BorrowException if this thread holds the write lock
     * @throws LockOrderException as for {@link #read(Function)}
     */
    public Guard<T> readInterruptibly() throws InterruptedException {
        core.checkReadAllowed();
        readLock.lockInterruptibly();
        core.checkPoison(readLock);
        return core.readGuard();
    }

    /**
     * Takes the read lock if it can within {@code timeout}, and returns a read guard; a zero
     * timeout does not wait.
     *
     * @param timeout how long to wait at most
     * @return an open guard, or empty if the timeout elapsed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting
     * @throws PoisonedException if the handle is poisoned (the lock is released again)
     * @throws BorrowException if this thread holds the write lock
     * @throws LockOrderException as for {@link #read(Function)}
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public Optional<Guard<T>> tryRead(Duration timeout) throws InterruptedException {
        long nanos = Durations.toNanosSaturated(timeout);
        core.checkReadAllowed();
        if (!readLock.tryLock(nanos, TimeUnit.NANOSECONDS)) {
            return Optional.empty();
        }
        core.checkPoison(readLock);
        return Optional.of(core.readGuard());
    }

    // ------------------------------------------------------------------ write guards

    /**
     * Takes the write lock, waiting uninterruptibly, and returns a write guard.
     *
     * @return an open guard; close it on this thread
     * @throws PoisonedException if the handle is poisoned (the lock is released again)
     * @throws BorrowException if this thread holds the read or write lock
     * @throws LockOrderException as for {@link #read(Function)}
     */
    public LockGuard<T> write() {
        core.enterWrite();
        return core.writeGuard();
    }

    /**
     * Takes the write lock unless the thread is interrupted, and returns a write guard.
     *
     * @return an open guard; close it on this thread
     * @throws InterruptedException if the thread is interrupted on entry or while waiting
     * @throws PoisonedException if the handle is poisoned (the lock is released again)
     * @throws BorrowException if this thread holds the read or write lock
     * @throws LockOrderException as for {@link #read(Function)}
     */
    public LockGuard<T> writeInterruptibly() throws InterruptedException {
        core.checkWriteAllowed();
        writeLock.lockInterruptibly();
        core.checkPoison(writeLock);
        return core.writeGuard();
    }

    /**
     * Takes the write lock if it can within {@code timeout}, and returns a write guard; a zero
     * timeout does not wait.
     *
     * @param timeout how long to wait at most
     * @return an open guard, or empty if the timeout elapsed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting
     * @throws PoisonedException if the handle is poisoned (the lock is released again)
     * @throws BorrowException if this thread holds the read or write lock
     * @throws LockOrderException as for {@link #read(Function)}
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public Optional<LockGuard<T>> tryWrite(Duration timeout) throws InterruptedException {
        long nanos = Durations.toNanosSaturated(timeout);
        core.checkWriteAllowed();
        if (!writeLock.tryLock(nanos, TimeUnit.NANOSECONDS)) {
            return Optional.empty();
        }
        core.checkPoison(writeLock);
        return Optional.of(core.writeGuard());
    }

    // ------------------------------------------------------------------ poisoning

    /**
     * Returns whether the handle is poisoned: a writer threw an unchecked exception, and
     * {@link #clearPoison()} has not been called since. Always {@code false} for a handle built
     * with {@code poisoning(false)}.
     *
     * @return {@code true} if poisoned
     */
    public boolean isPoisoned() {
        return core.isPoisoned();
    }

    /** Marks the value healthy again, as Rust's {@code RwLock::clear_poison}; takes no lock. */
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
     * Describes the handle and its lock, never the value.
     *
     * @return a description for logs
     */
    @Override
    public String toString() {
        return core.describe("SharedRw", rw);
    }

    /**
     * Builds {@link SharedRw} handles with a name, a lock class or no poisoning.
     *
     * <pre>{@code
     * SharedRw<Config> config = SharedRw.builder().name("config").poisoning(false).build(Config.load());
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
         * Sets the lock class of the handle's {@link OrderedReadWriteLock} (see
         * {@link RankedLock#lockClass()}).
         *
         * @param lockClass the role
         * @return this builder
         * @throws NullPointerException if {@code lockClass} is null
         * @throws IllegalArgumentException if {@code lockClass} is blank
         */
        public Builder lockClass(String lockClass) {
            this.lockClass = Names.requireValid(lockClass, "lockClass");
            return this;
        }

        /**
         * Sets whether an exception thrown by a writer's closure poisons the handle (default
         * {@code true}).
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
        public <T extends @Nullable Object> SharedRw<T> build(T value) {
            return new SharedRw<>(name, lockClass, poisoning, value);
        }
    }
}
