package dev.fearless.handle;

import dev.fearless.internal.Durations;
import dev.fearless.lock.LockOrderException;
import dev.fearless.lock.RankedLock;
import dev.fearless.telemetry.Telemetry;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The one implementation behind {@link Shared} and {@link SharedRw}: the value, poisoning, the
 * reentry checks, the closure forms, the guards and waiting on a condition. {@code Shared} builds
 * it with one lock for reading and writing, {@code SharedRw} with the two locks of an
 * {@code OrderedReadWriteLock}.
 */
final class Core<T extends @Nullable Object> {

    /*
     * Implementation overview: `value` is a plain field, read only while `readLock` or
     * `writeLock` is held and written only while `writeLock` is held (for Shared both are the
     * same lock), which orders every access. `poison` is volatile so isPoisoned() may be read
     * without the lock; it is set under the write lock (a closure failed) and cleared with or
     * without it (clearPoison, as Rust's clear_poison), so every check reads it exactly once into
     * a local: a clearPoison() racing with the check either wins (no exception) or loses (the
     * exception carries the real cause), never a made-up one. Every acquisition checks reentry
     * before taking the lock (a BorrowException leaves nothing held) and poison after taking it
     * (releasing again before throwing). `waiters` counts the threads inside await(); it is read
     * and written only under the write lock, and every release of the write lock signals
     * `changed` when it is not zero, so a write costs one field read when nobody waits. The
     * closure paths allocate nothing.
     */

    final String name;
    final String handle;
    private final boolean poisoning;
    private final boolean readWrite;
    private final RankedLock readLock;
    private final RankedLock writeLock;
    private final Condition changed;
    private volatile @Nullable Throwable poison;
    private int waiters;
    T value;

    /**
     * @param kind {@code "Shared"} or {@code "SharedRw"}, for messages
     * @param readLock the lock for readers; {@code writeLock} itself for a mutex
     */
    Core(String kind, @Nullable String name, RankedLock readLock, RankedLock writeLock, boolean poisoning, T value) {
        this.name = Telemetry.nameOrDefault(name);
        this.handle = kind + " '" + this.name + "'";
        this.poisoning = poisoning;
        this.readWrite = readLock != writeLock;
        this.readLock = readLock;
        this.writeLock = writeLock;
        this.changed = writeLock.newCondition();
        this.value = value;
    }

    // ------------------------------------------------------------------ entering and leaving

    void checkReadAllowed() {
        if (writeLock.isHeldByCurrentThread()) {
            throw readWrite ? Poison.reentered(handle, "write", "read")
                    : Poison.reentered(handle, "exclusive", "exclusive");
        }
    }

    void checkWriteAllowed() {
        if (writeLock.isHeldByCurrentThread()) {
            throw readWrite ? Poison.reentered(handle, "write", "write")
                    : Poison.reentered(handle, "exclusive", "exclusive");
        }
        if (readWrite && readLock.isHeldByCurrentThread()) {
            throw Poison.reentered(handle, "read", "write (a read lock cannot be upgraded)");
        }
    }

    /** Checks reentry, takes the read lock, checks poison. */
    void enterRead() {
        checkReadAllowed();
        readLock.lock();
        checkPoison(readLock);
    }

    /** Checks reentry, takes the write lock, checks poison. */
    void enterWrite() {
        checkWriteAllowed();
        writeLock.lock();
        checkPoison(writeLock);
    }

    void exitRead() {
        if (readWrite) {
            readLock.unlock();
        } else {
            exitWrite();
        }
    }

    /** Wakes the waiters of await() and releases the write lock. */
    void exitWrite() {
        signalWaiters();
        writeLock.unlock();
    }

    /** Called holding the write lock: wakes the threads waiting in await(). */
    void signalWaiters() {
        if (waiters != 0) {
            changed.signalAll();
        }
    }

    /** Called holding {@code held}: releases it and throws if poisoned. Reads the flag once. */
    void checkPoison(RankedLock held) {
        Throwable cause = poison;
        if (cause != null) {
            held.unlock();
            throw poisoned(cause);
        }
    }

    /** Called holding the lock as part of a set: throws if poisoned; the caller releases. */
    void checkPoisonHeld() {
        Throwable cause = poison;
        if (cause != null) {
            throw poisoned(cause);
        }
    }

    /** After a wait: throws if the handle became poisoned while waiting (the guard stays open). */
    private void checkPoisonedMeanwhile(boolean poisonedBefore) {
        if (!poisonedBefore) {
            checkPoisonHeld();
        }
    }

    private PoisonedException poisoned(Throwable cause) {
        return Poison.poisoned(handle, cause, this::writeIgnoringPoison, this::clearPoison);
    }

    private LockGuard<?> writeIgnoringPoison() {
        checkWriteAllowed();
        writeLock.lock();
        return new LockHeld();
    }

    // ------------------------------------------------------------------ poisoning

    boolean isPoisoned() {
        return poison != null;
    }

    void clearPoison() {
        poison = null;
    }

    /**
     * Called holding the write lock after a closure threw {@code failure}: poisons the handle if
     * the failure may have left the value half changed (see {@link #poisons(Throwable)}).
     */
    void failed(Throwable failure) {
        if (poisoning && poisons(failure) && poison == null) {
            poison = failure;
            Poison.reportPoisoned(name);
        }
    }

    /**
     * The poisoning rule (CONTRIBUTING.md, API rule 7): an unchecked exception or an error thrown
     * by the closure is a bug that may have left the value half changed (Rust's panic); a checked
     * exception is one the body declared, a refusal it chose; a {@link HandleException} or
     * {@link LockOrderException} was raised by the toolkit when the closure asked for another
     * handle or lock, and says nothing about this value.
     */
    static boolean poisons(Throwable failure) {
        return (failure instanceof RuntimeException || failure instanceof Error)
                && !(failure instanceof HandleException)
                && !(failure instanceof LockOrderException);
    }

    // ------------------------------------------------------------------ closures

    <R extends @Nullable Object> R read(Function<? super T, ? extends R> reader, boolean poisons) {
        Objects.requireNonNull(reader, "reader");
        enterRead();
        try {
            return reader.apply(value);
        } catch (Throwable failure) {
            if (poisons) {
                failed(failure);
            }
            throw failure;
        } finally {
            exitRead();
        }
    }

    T update(UnaryOperator<T> updater) {
        Objects.requireNonNull(updater, "updater");
        enterWrite();
        try {
            T next = updater.apply(value);
            value = next;
            return next;
        } catch (Throwable failure) {
            failed(failure);
            throw failure;
        } finally {
            exitWrite();
        }
    }

    void mutate(Consumer<? super T> action) {
        Objects.requireNonNull(action, "action");
        enterWrite();
        T current = value;
        if (cannotChangeInPlace(current)) {
            exitWrite();
            throw immutable("mutate()", current);
        }
        try {
            action.accept(current);
        } catch (Throwable failure) {
            failed(failure);
            throw failure;
        } finally {
            exitWrite();
        }
    }

    /**
     * Whether a value cannot be changed in place, so that a {@code mutate} action could only
     * reassign its parameter (the silent no-op {@code n -> n += 1}): null, the boxes of the
     * primitive types, strings, big numbers and enum constants.
     */
    static boolean cannotChangeInPlace(@Nullable Object value) {
        return switch (value) {
            case null -> true;
            case Integer _, Long _, Short _, Byte _, Double _, Float _, Boolean _, Character _ -> true;
            case String _, BigInteger _, BigDecimal _, Enum<?> _ -> true;
            default -> false;
        };
    }

    /** The exception for a mutate form on a value that cannot change in place. */
    UnsupportedOperationException immutable(String operation, @Nullable Object current) {
        String type = current == null ? "null" : "a " + current.getClass().getName();
        return new UnsupportedOperationException(operation + " on " + handle + ", which holds " + type
                + ": that value cannot change in place, so the action could only reassign its parameter and would"
                + " change nothing; use update(n -> n + 1), which stores the value the function returns");
    }

    // ------------------------------------------------------------------ guards

    /** A read guard (the read lock of a SharedRw). */
    Guard<T> readGuard() {
        return new ReadHeld();
    }

    /** A write guard; the caller holds the write lock. */
    LockGuard<T> writeGuard() {
        return new LockHeld();
    }

    private final class ReadHeld extends Held<T> {
        ReadHeld() {
            super(name, handle);
        }

        @Override
        T load() {
            return value;
        }

        @Override
        void release() {
            exitRead();
        }

        @Override
        String handle() {
            return handle;
        }
    }

    /** A write guard on this core's value; subclasses say what closing releases. */
    private abstract class ValueHeld extends WriteHeld<T> {
        ValueHeld(boolean track) {
            super(name, handle, track);
        }

        @Override
        final T load() {
            return value;
        }

        @Override
        final void store(T next) {
            value = next;
        }

        @Override
        final String handle() {
            return handle;
        }
    }

    /** The guard of Shared.lock() and SharedRw.write(): reads, replaces and waits. */
    final class LockHeld extends ValueHeld implements LockGuard<T> {
        LockHeld() {
            super(true);
        }

        @Override
        void release() {
            exitWrite();
        }

        @Override
        public void await(Predicate<? super T> condition) throws InterruptedException {
            Objects.requireNonNull(condition, "condition");
            checkOpen("await()");
            if (condition.test(value)) {
                return;
            }
            boolean poisonedBefore = poison != null;   // a guard from PoisonedException.into()
            waiters++;
            try {
                do {
                    changed.await();
                    checkPoisonedMeanwhile(poisonedBefore);
                } while (!condition.test(value));
            } finally {
                waiters--;
            }
        }

        @Override
        public boolean await(Predicate<? super T> condition, Duration timeout) throws InterruptedException {
            Objects.requireNonNull(condition, "condition");
            long nanos = Durations.toNanosSaturated(timeout);
            checkOpen("await()");
            if (condition.test(value)) {
                return true;
            }
            boolean poisonedBefore = poison != null;
            waiters++;
            try {
                while (nanos > 0) {
                    nanos = changed.awaitNanos(nanos);
                    checkPoisonedMeanwhile(poisonedBefore);
                    if (condition.test(value)) {
                        return true;
                    }
                }
                return false;
            } finally {
                waiters--;
            }
        }
    }

    /**
     * A guard on the value for the duration of a multi-handle closure: the set's locks are held
     * by the caller, so it releases nothing and is not tracked for leaks; closed when the closure
     * returns.
     */
    WriteHeld<T> slot() {
        return new ValueHeld(false) {
            @Override
            void release() {}
        };
    }

    /** Describes the handle and its lock, never the value, such as {@code Shared['counter', OrderedLock[...]]}. */
    String describe(String kind, Object lock) {
        return kind + "['" + name + "', " + lock + (poison != null ? ", poisoned]" : "]");
    }
}
