package dev.fearless.internal;

import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The one clock of the toolkit: every deadline and timeout of a Fearless primitive reads time
 * and waits through these methods, so that a schedule explorer ({@code dev.fearless.test}, the
 * only module this package is exported to) can replace wall time with virtual time. Without an
 * installed {@link Clock} they are {@link System#nanoTime()}, {@link Instant#now()} and
 * {@link LockSupport#parkNanos(Object, long)}: one volatile read and one branch more.
 *
 * <pre>{@code
 * long deadline = TimeSource.nanoTime() + timeoutNanos;
 * while (!done && deadline - TimeSource.nanoTime() > 0) {
 *     TimeSource.parkNanos(this, deadline - TimeSource.nanoTime());
 * }
 * }</pre>
 *
 * <p>Memory consistency effects: none beyond those of the clock and the park used.
 */
public final class TimeSource {

    /*
     * Implementation overview: one static volatile field, null unless an explorer runs (the
     * telemetry dispatcher's pattern). A clock decides per calling thread whether it answers with
     * virtual time: threads it does not control get the system's clock from it, so installing
     * one never changes what other code in the JVM sees.
     */

    /** A replacement clock; its methods are called on every thread while it is installed. */
    public interface Clock {
        /**
         * The current time in nanoseconds, as {@link System#nanoTime()}.
         *
         * @return the time
         */
        long nanoTime();

        /**
         * The current instant, as {@link Instant#now()}.
         *
         * @return the instant
         */
        Instant now();

        /**
         * Parks the calling thread for at most {@code nanos} of this clock's time, as
         * {@link LockSupport#parkNanos(Object, long)} (it may return early or spuriously).
         *
         * @param blocker the synchronization object the thread waits for
         * @param nanos the longest wait; positive
         */
        void parkNanos(Object blocker, long nanos);
    }

    private static volatile @Nullable Clock installed;

    private TimeSource() {}

    /**
     * The current time in nanoseconds: {@link System#nanoTime()} unless a clock is installed.
     *
     * @return the time
     */
    public static long nanoTime() {
        Clock clock = installed;
        return clock == null ? System.nanoTime() : clock.nanoTime();
    }

    /**
     * The current instant: {@link Instant#now()} unless a clock is installed.
     *
     * @return the instant
     */
    public static Instant now() {
        Clock clock = installed;
        return clock == null ? Instant.now() : clock.now();
    }

    /**
     * Parks for at most {@code nanos}: {@link LockSupport#parkNanos(Object, long)} unless a clock
     * is installed. Returns early on unpark, interrupt or spuriously, like {@code parkNanos}.
     *
     * @param blocker the synchronization object the thread waits for
     * @param nanos the longest wait; nothing happens if it is not positive
     */
    public static void parkNanos(Object blocker, long nanos) {
        Clock clock = installed;
        if (clock == null) {
            LockSupport.parkNanos(blocker, nanos);
        } else if (nanos > 0L) {
            clock.parkNanos(blocker, nanos);
        }
    }

    /**
     * Whether a replacement clock is installed: code that waits through a JDK method with its own
     * timed park (a timed {@code Future.get}, an AQS {@code tryAcquireNanos}) takes a path through
     * {@link #parkNanos} instead while this is true.
     *
     * @return {@code true} while a clock is installed
     */
    public static boolean replaced() {
        return installed != null;
    }

    /**
     * Installs {@code clock}, or restores the system's clock with {@code null}.
     *
     * @param clock the replacement, or {@code null}
     */
    public static void install(@Nullable Clock clock) {
        installed = clock;
    }
}
