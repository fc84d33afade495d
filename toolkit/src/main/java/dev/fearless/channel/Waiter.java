package dev.fearless.channel;

import dev.fearless.internal.TimeSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A blocked thread: one plain send or receive ({@link Node} is then its own waiter) or one
 * {@link Select} (a {@code SelectOp} owning one {@link Node} per clause).
 */
class Waiter {

    /*
     * State machine (the state field; every transition is a CAS, except retract(), a plain write
     * by the owner over a terminal state that only it can have set):
     *
     *   WAITING --(owner, before parking)--> PARKED
     *   WAITING | PARKED --(claim by a counterpart, a closer, or the owner giving up)-->
     *       SELECTED + clause | CLOSED | CANCELLED
     *
     * Every terminal transition goes through claim(), a CAS from WAITING or PARKED, so exactly one
     * party wins. A counterpart claims while holding the lock of the channel whose queue holds the
     * waiter's node, so for a plain operation (one node, one channel) the claim and the owner's
     * cancellation (done under the same lock) never race; for a select they come from different
     * channels and the CAS decides. Whoever wins a claim from PARKED unparks the owner, after
     * releasing the channel lock; a claim from WAITING needs no unpark because the owner re-reads
     * the state before it parks (the WAITING -> PARKED CAS fails once claimed).
     *
     * The owner spins briefly (SPIN_NANOS) before parking when it is first in its queue and the
     * machine has more than one processor (the counterpart is then likely running and about to
     * arrive), like java.util.concurrent.LinkedTransferQueue: a park/unpark round trip costs
     * microseconds, a hand-off to a spinning thread a few hundred nanoseconds. The spin is
     * bounded by time, not by a count of Thread.onSpinWait calls (5 ns on one processor, 40 ns
     * on another); with a count of 128, as LinkedTransferQueue uses, a rendezvous ping-pong
     * between two platform threads on a two-core machine parked on almost every hand-off and ran
     * 7 times slower than SynchronousQueue. The interrupt status is
     * checked on every round, spinning included, so a cancelled thread gives up at once.
     *
     * A virtual thread "spins" by Thread.yield() instead of Thread.onSpinWait(): it hands its
     * carrier to another runnable virtual thread - often the very counterpart it waits for, which
     * cannot run while every carrier is busy spinning - and costs little when there is none. On 2
     * cores this made virtual-thread 1->1 and 4->4 hand-offs 3-6 times faster than onSpinWait
     * spinning (ChannelTimingHarness, virtual): buffered channels now beat ArrayBlockingQueue,
     * rendezvous ones are within about 1.3 times SynchronousQueue (docs/benchmarks.md).
     */

    static final int WAITING = 0;
    static final int PARKED = 1;
    /** The owner gave up (interrupt or timeout); no counterpart may complete it any more. */
    static final int CANCELLED = 2;
    /** A channel the operation waits on was closed: re-examine it. */
    static final int CLOSED = 3;
    /** Completed by a counterpart through the clause {@code state - SELECTED}. */
    static final int SELECTED = 4;

    /** Returned by {@link #await} when the owner was interrupted; the state is unchanged. */
    static final int INTERRUPTED = -1;
    /** Returned by {@link #await} when the deadline passed; the state is unchanged. */
    static final int TIMED_OUT = -2;
    /** Returned by {@link #claim} when the waiter was already claimed. */
    static final int CLAIM_FAILED = -1;

    static final boolean MULTIPROCESSOR = Runtime.getRuntime().availableProcessors() > 1;
    /**
     * Whether channels spin before parking; {@code -Dfearless.channel.spin=false} turns it off for
     * the whole JVM. For schedule explorers (fearless-test sets it in its test JVM): a spin is
     * bounded by the clock, so under a controlled scheduler the number of steps would depend on
     * time and schedules would not replay. A launch setting read once, not a mutable hook.
     */
    static final boolean SPIN_BY_DEFAULT = !"false".equalsIgnoreCase(System.getProperty("fearless.channel.spin"));
    /**
     * How long a waiter spins before parking, in nanoseconds: a few park/unpark round trips. Bounded
     * by time rather than by a count because Thread.onSpinWait costs from about 5 ns to 40 ns
     * depending on the processor.
     */
    static final long SPIN_NANOS = 5_000L;
    /** Spin rounds between two reads of the clock; a power of two. */
    static final int CLOCK_EVERY = 32;
    /** Below this many nanoseconds left, a timed wait spins instead of parking. */
    private static final long SPIN_FOR_TIMEOUT_THRESHOLD = 1L << 10;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Thread thread;
    private volatile int state;

    Waiter(Thread thread) {
        this.thread = thread;
    }

    final int state() {
        return state;
    }

    /**
     * Moves a waiting owner to {@code target} (a terminal state).
     *
     * @return the previous state ({@link #WAITING} or {@link #PARKED}: pass it to
     *     {@link #wake(int)}), or {@link #CLAIM_FAILED} if the waiter was already claimed
     */
    final int claim(int target) {
        for (;;) {
            int s = state;
            if (s > PARKED) {
                return CLAIM_FAILED;
            }
            if (STATE.compareAndSet(this, s, target)) {
                return s;
            }
        }
    }

    /**
     * Owner only: replaces a terminal state set by the owner's own claim. Safe because no other
     * party writes a terminal state (every claim fails once the state is past {@link #PARKED}).
     */
    final void retract(int newState) {
        state = newState;
    }

    /** Unparks the owner if {@code previous}, returned by a successful claim, says it parked. */
    final void wake(int previous) {
        if (previous == PARKED) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Called by the owner: waits until claimed, interrupted or past the deadline.
     *
     * @param spin whether spinning first is worthwhile (the channel allows it, see
     *     {@code Channel.Builder.spinning}, and the node was first in its queue)
     * @param deadline the {@link TimeSource#nanoTime()} deadline, or {@code Long.MAX_VALUE} for none
     * @return the terminal state, or {@link #INTERRUPTED} or {@link #TIMED_OUT} with the state
     *     unchanged (the caller must then claim {@link #CANCELLED} itself, or find it claimed)
     */
    final int await(boolean spin, long deadline) {
        boolean spinNow = spin && MULTIPROCESSOR;
        boolean virtual = spinNow && thread.isVirtual();
        long spinUntil = 0L; // read the clock (tens of ns on some machines) only if the wait lasts
        int rounds = 0;
        for (;;) {
            int s = state;
            if (s > PARKED) {
                return s;
            }
            if (thread.isInterrupted()) {
                return INTERRUPTED;
            }
            if (spinNow) {
                if (virtual) {
                    Thread.yield();
                    rounds = CLOCK_EVERY - 1; // a yield costs far more than a clock read: check every round
                } else {
                    Thread.onSpinWait();
                }
                if ((++rounds & (CLOCK_EVERY - 1)) == 0) {
                    long now = System.nanoTime();
                    if (spinUntil == 0L) {
                        spinUntil = now + SPIN_NANOS;
                    } else if (now - spinUntil >= 0L) {
                        spinNow = false;
                    }
                }
            } else if (s == WAITING) {
                STATE.compareAndSet(this, WAITING, PARKED); // then re-read: a claim may have won
            } else if (deadline == Long.MAX_VALUE) {
                LockSupport.park(this);
            } else {
                long nanos = deadline - TimeSource.nanoTime();
                if (nanos <= 0L) {
                    return TIMED_OUT;
                }
                if (nanos < SPIN_FOR_TIMEOUT_THRESHOLD && !TimeSource.replaced()) { // virtual time passes only in parks
                    Thread.onSpinWait();
                } else {
                    TimeSource.parkNanos(this, nanos);
                }
            }
        }
    }
}
