package dev.fearless.channel;

import dev.fearless.internal.Durations;
import dev.fearless.internal.TimeSource;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import dev.fearless.tracking.Tracking;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Waits on several channel operations at once and completes exactly one of them: the first
 * clause that can complete. The other clauses have no effect: nothing is received from or sent
 * to their channels.
 *
 * <pre>{@code
 * // forward jobs until told to stop, or until idle for a second
 * boolean running = true;
 * while (running) {
 *     running = Select.select(
 *             jobs.receiveClause(job -> { handle(job); return true; }),
 *             stop.receiveClause(signal -> false),
 *             Select.timeout(Duration.ofSeconds(1), () -> false));
 * }
 * }</pre>
 *
 * <p>Entry points: {@link #select(SelectClause[])} and {@link #select(List)} return the selected
 * clause's value and throw when the channels are closed; {@link #selectOrClosed(SelectClause[])}
 * and {@link #selectOrClosed(List)} return the closure as a {@link ChannelClosed} instead. They
 * are biased: when several clauses are ready, the first in order wins.
 * {@link #selectFair(SelectClause[])} starts at a random clause, so that no ready channel is
 * starved by the ones before it, and {@link #receiveAll(SelectClause[])} selects fairly, again
 * and again, until every channel is done (jox#64).
 *
 * <p>Clauses: {@link Channel#receiveClause()} and {@link Channel#sendClause(Object)} (with forms
 * that map the outcome), and two that involve no channel, at most one of them per select, in any
 * position:
 * <ul>
 *   <li>{@link #orDefault(Supplier)} completes at once when no channel clause can complete now;
 *       a select whose only clause is the default returns the default;</li>
 *   <li>{@link #timeout(Duration, Supplier)} completes when no channel clause completed within
 *       the duration (zero: like a default clause); a select whose only clause is a timeout
 *       waits that long, interruptibly, and returns its value.</li>
 * </ul>
 * There is no timed overload: a timeout is a clause, as in Kotlin, so a select that gives up
 * returns a value instead of throwing.
 *
 * <p>Closed channels. If any clause's channel is in error, the select reports that error (even if
 * another clause is ready, so that failures are not hidden behind traffic). A send clause whose
 * channel is done makes the select report done, as {@link Channel#send} would. A receive clause
 * whose channel is done and drained is ignored as long as another clause can still complete; the
 * select reports done only when no channel clause can ever complete (for receive-only selects:
 * when every channel is done). So a loop over several channels needs no special case for each
 * closed one:
 * <pre>{@code
 * while (Select.selectOrClosed(
 *         orders.receiveClause(o -> { ship(o); return o; }),
 *         refunds.receiveClause(r -> { refund(r); return r; })) instanceof ChannelResult.Value<?>) {
 *     // until both orders and refunds are done
 * }
 * }</pre>
 * Being done wins over a default or timeout clause: a select whose channels are all done reports
 * done, not its default.
 *
 * <p>Each clause must use a different channel. Clause functions ({@code receiveClause(fn)},
 * {@code sendClause(e, fn)}, the default's and the timeout's supplier) run on the selecting
 * thread after the select completed, outside any lock.
 *
 * <p>Interruption. A select that is interrupted while waiting either completed one clause before
 * noticing (it then returns its value, keeping the interrupt status) or completed none: no
 * element is lost or sent twice. The same holds when its timeout clause fires.
 *
 * <p>Memory consistency effects: as for the individual {@link Channel} operations; the selected
 * clause's operation has exactly the effects it would have on its own.
 */
public final class Select {

    /*
     * Implementation overview. Each select call loops over three phases until it completes:
     *
     *   0. Error check: read every channel's closed state (volatile); an error wins.
     *   1. Try: for each clause in order (rotated by a random offset for the fair variant), lock
     *      its channel and complete the operation if it can complete now, exactly as a
     *      trySend/tryReceive would. Nothing of this select is registered anywhere yet, so no
     *      self-claim is needed; a waiting counterpart that belongs to another select is claimed
     *      by CAS on that select's waiter, and skipped if that fails.
     *   2. Register: create one SelectOp (the waiter) and, clause by clause, lock the channel and
     *      enqueue a Node, unless the channel became ready meanwhile: then the select claims
     *      itself (CAS WAITING -> SELECTED + clause; failing means another channel already
     *      claimed it) and completes that clause under the lock. If the only counterpart is a
     *      select that is claimed elsewhere before we claim it, we retract our self-claim to
     *      CLOSED ("restart"): no one can have completed us in between, since every claim fails
     *      once our state is past PARKED. Then the select parks until a counterpart claims it
     *      (SELECTED), a channel closes (CLOSED: re-examine), or it gives up (CANCELLED, by its
     *      own CAS). Finally it removes its remaining nodes, one channel lock at a time.
     *
     * Only one channel lock is ever held at a time, so selects over overlapping channels in any
     * order cannot deadlock. The price: two selects that both wait on each other's channels and
     * register at the same instant can both retract and retry (a livelock only under perfectly
     * repeated timing; in practice one of them wins on the next round).
     *
     * The design follows Go's selectgo (enqueue on every channel, first counterpart to flip the
     * waiter wins) without Go's "lock all channels in address order" step, and Jox/Kotlin's
     * "restart when a clause's channel is done", applied so that done receive clauses are
     * skipped rather than ending the select (jox#64).
     */

    private Select() {}

    // ------------------------------------------------------------------ entry points

    /**
     * Completes the first clause that can complete, waiting as long as it takes (or until a
     * {@linkplain #timeout timeout clause} fires); when several can, the first in argument order
     * wins.
     *
     * @param clauses the alternatives; at most one default or timeout clause
     * @param <U> the result type
     * @return the value of the selected clause
     * @throws InterruptedException if interrupted before any clause completed
     * @throws ChannelDoneException if no clause can ever complete (see the class description)
     * @throws ChannelErrorException if a clause's channel is in error
     * @throws IllegalArgumentException if there is no clause, two clauses use the same channel,
     *     or there are two default or timeout clauses
     * @throws NullPointerException if {@code clauses} or any clause is null
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, never stored or exposed
    public static <U extends @Nullable Object> U select(SelectClause<? extends U>... clauses)
            throws InterruptedException {
        return valueOrThrow(run(Objects.requireNonNull(clauses, "clauses"), false), clauses);
    }

    /**
     * Like {@link #select(SelectClause[])}, for a list of clauses built at run time.
     *
     * @param clauses the alternatives; at most one default or timeout clause
     * @param <U> the result type
     * @return the value of the selected clause
     * @throws InterruptedException if interrupted before any clause completed
     * @throws ChannelDoneException if no clause can ever complete
     * @throws ChannelErrorException if a clause's channel is in error
     * @throws IllegalArgumentException if the list is empty, two clauses use the same channel, or
     *     there are two default or timeout clauses
     * @throws NullPointerException if {@code clauses} or any clause is null
     */
    public static <U extends @Nullable Object> U select(List<? extends SelectClause<? extends U>> clauses)
            throws InterruptedException {
        SelectClause<? extends U>[] array = toArray(clauses);
        return valueOrThrow(run(array, false), array);
    }

    /**
     * Like {@link #select(SelectClause[])}, but returns a closure instead of throwing.
     *
     * @param clauses the alternatives; at most one default or timeout clause
     * @param <U> the result type
     * @return the selected clause's value, or the closure that ended the select
     * @throws InterruptedException if interrupted before any clause completed
     * @throws IllegalArgumentException if there is no clause, two clauses use the same channel,
     *     or there are two default or timeout clauses
     * @throws NullPointerException if {@code clauses} or any clause is null
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, never stored or exposed
    public static <U extends @Nullable Object> ChannelResult<U> selectOrClosed(SelectClause<? extends U>... clauses)
            throws InterruptedException {
        return run(Objects.requireNonNull(clauses, "clauses"), false);
    }

    /**
     * Like {@link #selectOrClosed(SelectClause[])}, for a list of clauses built at run time.
     *
     * @param clauses the alternatives; at most one default or timeout clause
     * @param <U> the result type
     * @return the selected clause's value, or the closure that ended the select
     * @throws InterruptedException if interrupted before any clause completed
     * @throws IllegalArgumentException if the list is empty, two clauses use the same channel, or
     *     there are two default or timeout clauses
     * @throws NullPointerException if {@code clauses} or any clause is null
     */
    public static <U extends @Nullable Object> ChannelResult<U> selectOrClosed(
            List<? extends SelectClause<? extends U>> clauses) throws InterruptedException {
        return run(toArray(clauses), false);
    }

    /**
     * Like {@link #select(SelectClause[])}, but unbiased (Kotlin's {@code selectUnbiased}, Go's
     * {@code select}): the clauses are tried starting at a random one, so each ready clause has
     * the same chance to win.
     *
     * @param clauses the alternatives; at most one default or timeout clause
     * @param <U> the result type
     * @return the value of the selected clause
     * @throws InterruptedException if interrupted before any clause completed
     * @throws ChannelDoneException if no clause can ever complete
     * @throws ChannelErrorException if a clause's channel is in error
     * @throws IllegalArgumentException if there is no clause, two clauses use the same channel,
     *     or there are two default or timeout clauses
     * @throws NullPointerException if {@code clauses} or any clause is null
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, never stored or exposed
    public static <U extends @Nullable Object> U selectFair(SelectClause<? extends U>... clauses)
            throws InterruptedException {
        return valueOrThrow(run(Objects.requireNonNull(clauses, "clauses"), true), clauses);
    }

    /**
     * Receives from all the clauses' channels, fairly, until every one of them is done; each
     * element goes to its clause's function. A channel that is done is simply no longer selected,
     * so the loop needs no bookkeeping of which channels are still open. With no clause it
     * returns at once.
     *
     * <pre>{@code
     * Select.receiveAll(
     *         orders.receiveClause(order -> { ship(order); return null; }),
     *         refunds.receiveClause(refund -> { repay(refund); return null; }));
     * // both channels are done and drained here
     * }</pre>
     *
     * @param receiveClauses receive clauses, one per channel
     * @throws InterruptedException if interrupted while waiting; elements already handled stay
     *     handled, none is lost
     * @throws ChannelErrorException if a channel is in error
     * @throws IllegalArgumentException if a clause is not a receive clause or two use the same
     *     channel
     * @throws NullPointerException if {@code receiveClauses} or any clause is null
     */
    public static void receiveAll(SelectClause<?>... receiveClauses) throws InterruptedException {
        Objects.requireNonNull(receiveClauses, "receiveClauses");
        for (int i = 0; i < receiveClauses.length; i++) {
            if (receiveClauses[i] == null) { // the message only when it is thrown
                throw new NullPointerException("receiveClauses[" + i + "]");
            }
            if (!(receiveClauses[i] instanceof SelectClause.Receive<?, ?>)) {
                throw new IllegalArgumentException("receiveAll takes receive clauses only: receiveClauses["
                        + i + "] is " + receiveClauses[i]);
            }
        }
        if (receiveClauses.length == 0) {
            return;
        }
        for (;;) {
            ChannelResult<?> result = run(receiveClauses, true);
            if (result instanceof ChannelDone<?>) {
                return;
            }
            if (result instanceof ChannelError<?> error) {
                throw Channel.closedException(error, describe(receiveClauses), "");
            }
        }
    }

    // ------------------------------------------------------------------ clauses without a channel

    /**
     * Returns a clause that completes at once with the supplier's value when no channel clause
     * can complete now. The supplier runs only if the clause is selected.
     *
     * <pre>{@code
     * Optional<Job> next = Select.select(jobs.receiveClause(Optional::of), Select.orDefault(Optional::empty));
     * }</pre>
     *
     * @param value supplies the select's result when nothing else is ready
     * @param <U> the result type
     * @return a default clause
     * @throws NullPointerException if {@code value} is null
     */
    public static <U extends @Nullable Object> SelectClause<U> orDefault(Supplier<? extends U> value) {
        return new SelectClause.Default<>(Objects.requireNonNull(value, "value"), -1L);
    }

    /**
     * Returns a clause that completes with the supplier's value when no channel clause completed
     * within {@code timeout} of the select's start. The supplier runs only if the clause is
     * selected. The clause may be used by many selects; each counts from its own start.
     *
     * <pre>{@code
     * String reply = Select.select(
     *         replies.receiveClause(),
     *         Select.timeout(Duration.ofSeconds(2), () -> "no reply"));
     * }</pre>
     *
     * @param timeout how long the select waits; zero means do not wait (like
     *     {@link #orDefault(Supplier)}); a duration too long to count in nanoseconds waits about
     *     73 years
     * @param value supplies the select's result when the timeout passed
     * @param <U> the result type
     * @return a timeout clause
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public static <U extends @Nullable Object> SelectClause<U> timeout(Duration timeout, Supplier<? extends U> value) {
        long nanos = Durations.toNanosSaturated(timeout);
        return new SelectClause.Default<>(Objects.requireNonNull(value, "value"), nanos);
    }

    // ------------------------------------------------------------------ the algorithm

    @SuppressWarnings("unchecked") // a list of SelectClause<? extends U> as an array of them
    private static <U extends @Nullable Object> SelectClause<? extends U>[] toArray(
            List<? extends SelectClause<? extends U>> clauses) {
        Objects.requireNonNull(clauses, "clauses");
        SelectClause<?>[] array = new SelectClause<?>[clauses.size()];
        int i = 0;
        for (SelectClause<? extends U> clause : clauses) { // a null element is reported by validate
            array[i++] = clause;
        }
        return (SelectClause<? extends U>[]) array;
    }

    private static <U extends @Nullable Object> U valueOrThrow(ChannelResult<U> result, SelectClause<?>[] clauses) {
        return switch (result) {
            case ChannelResult.Value<U>(U value) -> value;
            case ChannelClosed<U> closed -> throw Channel.closedException(closed, describe(clauses),
                    ", so no clause can complete any more");
        };
    }

    private static <U extends @Nullable Object> ChannelResult<U> run(SelectClause<? extends U>[] all, boolean fair)
            throws InterruptedException {
        SelectClause.Default<? extends U> fallback = validate(all);
        SelectClause<? extends U>[] clauses = fallback == null ? all : withoutFallback(all, fallback);
        int m = clauses.length;
        // no fallback: wait forever; a default clause: do not wait; a timeout clause: its duration
        long timeoutNanos = fallback == null ? Channel.FOREVER : Math.max(fallback.timeoutNanos, 0L);
        boolean mayBlock = timeoutNanos != 0L;
        TelemetryListener listener = Telemetry.listener();
        long start = 0L;
        long deadline = Long.MAX_VALUE;
        boolean waited = false;
        for (;;) {
            if (mayBlock && Thread.interrupted()) {
                throw new InterruptedException(describe(all) + " was interrupted");
            }
            // 0. an error on any channel wins
            for (int i = 0; i < m; i++) {
                if (channelOf(clauses[i]).closedState() instanceof ChannelError<?> error) {
                    return closed(error);
                }
            }
            // 1. complete a clause that is ready now
            int offset = fair && m > 1 ? ThreadLocalRandom.current().nextInt(m) : 0;
            boolean pending = false;
            for (int k = 0; k < m; k++) {
                int i = offset + k < m ? offset + k : offset + k - m;
                SelectClause<? extends U> clause = clauses[i];
                Object raw = clause.tryNow();
                if (raw == Channel.Signal.EMPTY) {
                    pending = true;
                } else if (raw instanceof ChannelClosed<?> c) {
                    if (!(c instanceof ChannelDone<?>) || clause.isSend()) {
                        return closed(c);
                    }
                    // a done receive clause: ignored while another clause can complete
                } else if (raw instanceof Channel.Dropped(Object dropped)) {
                    return completed(clause, null, listener, waited ? start : 0L, dropped);
                } else {
                    return completed(clause, raw, listener, waited ? start : 0L, null);
                }
            }
            if (!pending && m > 0) {
                return ChannelDone.instance();
            }
            if (!mayBlock) {
                return fallen(Objects.requireNonNull(fallback));
            }
            if (!waited) {
                waited = true;
                if (listener != null || timeoutNanos != Channel.FOREVER) {
                    start = TimeSource.nanoTime();
                }
                deadline = Channel.deadline(start, timeoutNanos);
            }
            if (deadline != Long.MAX_VALUE && TimeSource.nanoTime() - deadline >= 0L) {
                return fallen(Objects.requireNonNull(fallback));
            }
            // 2. register a node on every channel, then wait to be claimed
            SelectOp op = new SelectOp(m);
            boolean spin = false;
            boolean registered = false;
            for (int k = 0; k < m; k++) {
                int i = offset + k < m ? offset + k : offset + k - m;
                Node node = new Node(op, i, clauses[i].offered());
                int outcome = clauses[i].register(node);
                if (outcome == Channel.REGISTERED) {
                    op.nodes[i] = node;
                    registered = true;
                    spin |= node.spin;
                } else if (outcome == Channel.COMPLETED) {
                    op.nodes[i] = node;
                    break;
                } else if (outcome == Channel.STOPPED) {
                    break;
                } else if (outcome == Channel.RESTART) {
                    op.claim(Waiter.CLOSED);
                    break;
                } // SKIPPED: a done receive clause
            }
            if (!registered && m > 0) {
                op.claim(Waiter.CLOSED); // every clause was skipped: re-examine (phase 1 reports done)
            }
            Tracking.Wait tracked = Tracking.enabled() ? tracked(clauses) : null;
            int state = op.await(spin, deadline);
            Tracking.end(tracked);                  // structure tracking; await returns, never throws
            if (state < 0) {
                if (op.claim(Waiter.CANCELLED) != Waiter.CLAIM_FAILED) {
                    unregister(op, clauses, -1);
                    if (state == Waiter.INTERRUPTED) {
                        Thread.interrupted();
                        throw new InterruptedException(describe(all) + " was interrupted");
                    }
                    return fallen(Objects.requireNonNull(fallback));
                }
                state = op.state(); // completed or closed before we could give up
            }
            if (state == Waiter.CLOSED) {
                unregister(op, clauses, -1);
                continue;
            }
            int selected = state - Waiter.SELECTED;
            unregister(op, clauses, selected);
            Node node = Objects.requireNonNull(op.nodes[selected]);
            return completed(clauses[selected], node.item, listener, start, node.dropped);
        }
    }

    /** The select's value from its default or timeout clause. */
    private static <U extends @Nullable Object> ChannelResult<U> fallen(SelectClause.Default<? extends U> fallback) {
        return new ChannelResult.Value<>(fallback.result(null));
    }

    /**
     * The select's value from its selected channel clause; then, once the select has fully taken
     * effect, passes an element the send dropped (overflow policy) to the channel's onUndelivered.
     */
    private static <U extends @Nullable Object> ChannelResult<U> completed(SelectClause<? extends U> clause,
            @Nullable Object raw, @Nullable TelemetryListener listener, long start, @Nullable Object dropped) {
        if (listener != null) {
            long blocked = start == 0L ? 0L : System.nanoTime() - start;
            Channel<?> channel = channelOf(clause);
            if (clause.isSend()) {
                channel.telemetry(listener).sent(blocked);
            } else {
                channel.telemetry(listener).received(blocked);
            }
        }
        ChannelResult<U> value = new ChannelResult.Value<>(clause.result(raw));
        if (dropped != null) {
            channelOf(clause).undelivered(List.of(dropped));
        }
        return value;
    }

    private static void unregister(SelectOp op, SelectClause<?>[] clauses, int except) {
        Node[] nodes = op.nodes;
        for (int i = 0; i < nodes.length; i++) {
            Node node = nodes[i];
            if (node != null && i != except) {
                channelOf(clauses[i]).unregister(node, clauses[i].isSend());
            }
        }
    }

    /**
     * Checks the clauses; returns the default or timeout clause, or null.
     *
     * @throws IllegalArgumentException no clause, two clauses on one channel, or two fallbacks
     */
    private static <U extends @Nullable Object> SelectClause.@Nullable Default<? extends U> validate(
            SelectClause<? extends U>[] clauses) {
        if (clauses.length == 0) {
            throw new IllegalArgumentException("a select needs at least one clause");
        }
        SelectClause.Default<? extends U> fallback = null;
        int fallbackAt = -1;
        for (int i = 0; i < clauses.length; i++) {
            SelectClause<? extends U> clause = clauses[i];
            if (clause == null) { // not requireNonNull(clause, "clauses[" + i + "]"): that builds the message every call
                throw new NullPointerException("clauses[" + i + "]");
            }
            if (clause instanceof SelectClause.Default<? extends U> d) {
                if (fallback != null) {
                    throw new IllegalArgumentException("a select takes at most one default or timeout clause, "
                            + "but clauses[" + fallbackAt + "] and clauses[" + i + "] are both one");
                }
                fallback = d;
                fallbackAt = i;
            } else {
                Channel<?> channel = channelOf(clause);
                for (int j = 0; j < i; j++) {
                    if (clauses[j].channel() == channel) {
                        throw new IllegalArgumentException("each clause must use a different channel, but clauses["
                                + j + "] and clauses[" + i + "] both use channel '" + channel.name() + "'");
                    }
                }
            }
        }
        return fallback;
    }

    /** The channel clauses, in order, without the fallback. */
    @SuppressWarnings("unchecked") // an array of SelectClause<? extends U>, like the argument
    private static <U extends @Nullable Object> SelectClause<? extends U>[] withoutFallback(
            SelectClause<? extends U>[] clauses, SelectClause<?> fallback) {
        SelectClause<?>[] channels = new SelectClause<?>[clauses.length - 1];
        int n = 0;
        for (SelectClause<? extends U> clause : clauses) {
            if (clause != fallback) {
                channels[n++] = clause;
            }
        }
        return (SelectClause<? extends U>[]) channels;
    }

    private static Channel<?> channelOf(SelectClause<?> clause) {
        return Objects.requireNonNull(clause.channel());
    }

    @SuppressWarnings("unchecked")
    private static <U extends @Nullable Object> ChannelClosed<U> closed(ChannelClosed<?> closed) {
        return (ChannelClosed<U>) closed;
    }

    /** Records this thread's wait in the select for structure snapshots: each channel and direction. */
    private static Tracking.Wait tracked(SelectClause<?>[] clauses) {
        Channel<?>[] channels = new Channel<?>[clauses.length];
        boolean[] sends = new boolean[clauses.length];
        for (int i = 0; i < clauses.length; i++) {
            channels[i] = channelOf(clauses[i]);
            sends[i] = clauses[i].isSend();
        }
        return Tracking.select(channels, sends);
    }

    private static String describe(SelectClause<?>[] clauses) {
        StringJoiner names = new StringJoiner("', '", "select over channels '", "'");
        for (SelectClause<?> clause : clauses) {
            Channel<?> channel = clause.channel();
            if (channel != null) {
                names.add(channel.name());
            }
        }
        return names.toString();
    }

    /** The waiter of one blocked select: claimed through one of its clause nodes. */
    private static final class SelectOp extends Waiter {
        final @Nullable Node[] nodes;

        SelectOp(int clauses) {
            super(Thread.currentThread());
            this.nodes = new Node[clauses];
        }
    }
}
