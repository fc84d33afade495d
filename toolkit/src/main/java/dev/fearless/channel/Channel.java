package dev.fearless.channel;

import dev.fearless.telemetry.ChannelState;
import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import dev.fearless.tracking.Tracking;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * A channel: threads hand elements to each other through it instead of sharing memory. One or
 * more producers {@link #send send}, one or more consumers {@link #receive receive}, and every
 * element sent is received exactly once.
 *
 * <p>Three kinds, by how many elements wait in the channel for a receiver:
 * <ul>
 *   <li>{@link #rendezvous()} buffers nothing: a send completes only when a receiver takes the
 *       element (like {@link java.util.concurrent.SynchronousQueue});</li>
 *   <li>{@link #buffered(int)} buffers up to {@code capacity} elements; a send blocks while the
 *       buffer is full (like {@link java.util.concurrent.ArrayBlockingQueue});</li>
 *   <li>{@link #unbounded()} buffers any number; a send never blocks (like
 *       {@link java.util.concurrent.LinkedBlockingQueue}).</li>
 * </ul>
 * Elements are never null. Each kind is created with an optional name, used in telemetry and in
 * exception messages.
 *
 * <p>Operations come in flavours:
 * <ul>
 *   <li>blocking: {@link #send(Object)}, {@link #receive()}, interruptible; they throw
 *       {@link ChannelDoneException} or {@link ChannelErrorException} when the channel is closed;</li>
 *   <li>closed as a value: {@link #sendOrClosed(Object)}, {@link #receiveOrClosed()} return a
 *       {@link ChannelClosed} result instead of throwing;</li>
 *   <li>non-blocking: {@link #trySend(Object)}, {@link #tryReceive()};</li>
 *   <li>timed: {@link #trySend(Object, Duration)}, {@link #tryReceive(Duration)};</li>
 *   <li>iteration: {@link #iterator()} and {@link #stream()} receive until the channel is done;</li>
 *   <li>select: {@link #receiveClause()} and {@link #sendClause(Object)} build the clauses that
 *       {@link Select} waits on, across several channels at once.</li>
 * </ul>
 *
 * <p>Closing. {@link #done()} says that nothing more will be sent: later sends fail, and so do
 * sends still blocked at that moment (their elements were never accepted and stay with their
 * callers); receivers first drain what is buffered, then see "done". So after {@code done()}
 * returns, the elements still to be received are exactly those buffered. {@link #error(Throwable)}
 * says that the exchange failed: senders and receivers see the cause at once, and the buffered
 * elements are discarded and returned to the caller of {@code error}, so that nothing is lost
 * without a trace. An error after {@code done()} still discards whatever was not yet received.
 *
 * <p>Exactly once. Every element accepted by a send that returned normally is received by exactly
 * one receive, or is returned by {@code error}. A blocking operation that is interrupted or times
 * out either completes (and then keeps the interrupt status set) or has no effect: an
 * interrupted send leaves no element behind, an interrupted receive takes none.
 *
 * <p>Telemetry. A channel reports {@code channelCreated} with itself as the live
 * {@link ChannelState} (so a listener can hold it weakly), {@code channelSent} and
 * {@code channelReceived} with the time the caller was blocked (measured only when a listener is
 * registered), and {@code channelClosed} with the number of discarded elements. {@link #size()}
 * is a cheap estimate for gauges.
 *
 * <pre>{@code
 * Channel<Order> orders = Channel.buffered(16, "orders");
 * Thread producer = Thread.ofVirtual().start(() -> {
 *     try {
 *         for (Order order : incoming()) {
 *             orders.send(order);
 *         }
 *         orders.done();                 // consumers drain the buffer, then stop
 *     } catch (Exception e) {
 *         orders.error(e);               // consumers stop at once
 *     }
 * });
 * for (Order order : orders) {           // ends when done, throws ChannelErrorException on error
 *     ship(order);
 * }
 * }</pre>
 *
 * <p>Memory consistency effects: actions in a thread prior to sending an element happen-before
 * actions subsequent to the receipt of that element in another thread; actions prior to
 * {@link #done()} or {@link #error(Throwable)} happen-before actions subsequent to an operation
 * that reports that closure.
 *
 * @param <E> the type of elements
 */
public final class Channel<E> implements Iterable<E>, ChannelState {

    /*
     * Implementation overview.
     *
     * Algorithm. A lock-based channel with direct hand-off: one ReentrantLock guards a ring buffer
     * and two FIFO queues of waiting operations (blocked senders, blocked receivers), in the
     * spirit of Go's runtime channels (runtime/chan.go: hchan with buf, sendq and recvq, and
     * select that enqueues a sudog on every channel and lets the first counterpart win by a CAS on
     * the selecting goroutine). An arriving operation either completes at once under the lock
     * (take from or put into the buffer, or hand the element directly to the first waiting
     * counterpart, claiming it) or enqueues a Node and, after releasing the lock, spins briefly
     * and parks until a counterpart claims it. The counterpart writes the element into the node,
     * claims the node's waiter by CAS, and unparks it after releasing the lock; the woken thread
     * never needs the lock again on the success path.
     *
     * Why not the lock-free "Fast and Scalable Channels in Kotlin Coroutines" algorithm (Koval,
     * Alistarh, Elizarov, PPoPP'23) that Jox and Kotlin use? Its strength is scaling with many
     * cores; on the two-core machines this toolkit targets, the measured bar is the JDK's
     * SynchronousQueue and ArrayBlockingQueue, which beat Jox there. With a short critical section
     * the lock is almost never contended long, the hand-off path costs one lock round trip plus
     * one CAS, and select stays simple enough to reason about: no cell states, segments or
     * expandBuffer. Deliberate differences from Go: done() fails blocked senders instead of
     * panicking; a receive clause on a done channel is ignored by select while another clause can
     * still complete (jox#64); select locks one channel at a time, never several (see Select).
     * Deliberate differences from Jox/Kotlin: a send blocked when done() is called fails instead
     * of completing later, so that the set of elements still to be received is fixed when done()
     * returns; error() returns the discarded elements instead of dropping them.
     *
     * State, all guarded by lock unless noted:
     *   items/head/count  ring buffer of accepted, not yet received elements; items.length grows
     *                     by doubling up to capacity (and shrinks after a burst), so a large
     *                     capacity costs nothing until used.
     *   view              closedKind | count in one long, written (release) once per critical
     *                     section that changes either; size(), isClosedForSend() and
     *                     isClosedForReceive() read it without the lock (acquire), so they see
     *                     one consistent state and are linearizable with the locked operations.
     *                     Two separate fields would not be: a reader could see "in error" and
     *                     the count from before the buffer was discarded (Lincheck found that).
     *   senders           waiting sends (plain Nodes, or select clause Nodes).
     *   receivers         waiting receives.
     *   closed            null while open, else ChannelDone or ChannelError; volatile so that
     *                     select's error check and a waiter woken as CLOSED read it unlocked.
     *   pendingWake       the counterpart claimed by the current critical section; the thread
     *                     that claimed it clears it and unparks it right after unlocking.
     *
     * Invariants, at every unlock, counting only live nodes (plain nodes in a queue are always
     * live; select nodes may be dead until their select unregisters them, and are skipped):
     *   - receivers non-empty  =>  count == 0 and no sender waits;
     *   - senders non-empty    =>  count == capacity (buffered: the ring is full) and no receiver
     *                              waits;
     *   - closed != null       =>  senders is empty (done and error both fail waiting senders),
     *                              and receivers is empty;
     *   - closed is an error   =>  count == 0.
     * So a receive that finds count > 0 takes the head and, if a sender waits, moves that
     * sender's element into the freed slot (the ring is full, so the freed head slot is the new
     * tail) in the same critical section.
     *
     * Waiting and claiming (see Waiter): every waiting operation ends through exactly one
     * successful CAS of its waiter's state out of WAITING/PARKED: SELECTED by a counterpart,
     * CLOSED by done()/error(), or CANCELLED by the owner on interrupt or timeout. A plain
     * operation cancels under the channel lock, so it either finds itself claimed (and then
     * completes normally, keeping the interrupt status) or removes its node before any
     * counterpart can see it: no phantom element after an interrupted send, no element taken by an
     * interrupted receive.
     *
     * Lock acquisition: tryLock, then a short timed spin (LOCK_SPIN_NANOS) before blocking in
     * ReentrantLock.lock(). Critical sections are a few dozen nanoseconds, while a blocked
     * acquirer costs a park/unpark round trip of microseconds; without the spin, a producer and a
     * consumer colliding on the lock made a rendezvous hand-off 7 times slower than
     * SynchronousQueue on two cores (ChannelTimingHarness). With it, on that machine, rendezvous
     * ping-pong, 1->1 and buffered(16) 1->1 and 4->4 beat SynchronousQueue/ArrayBlockingQueue
     * with platform threads and rendezvous 4->4 is on par. A virtual thread spins by
     * Thread.yield() rather than Thread.onSpinWait() (see Waiter): its spin would otherwise hold a
     * carrier the lock holder or the counterpart needs; with it, virtual-thread buffered
     * channels beat ArrayBlockingQueue and rendezvous hand-offs are within about 1.3 times
     * SynchronousQueue (docs/benchmarks.md).
     *
     * Telemetry: the listener is read once per operation; blocked time is measured only on the
     * slow path and only when a listener was registered when the operation started to wait.
     * Events are reported after the lock is released.
     */

    /** The capacity of an unbounded channel, as reported by {@link #capacity()}. */
    static final int UNBOUNDED = Integer.MAX_VALUE;

    /** Timeout meaning "wait as long as it takes". */
    static final long FOREVER = Long.MAX_VALUE;

    /** Outcomes of {@link #registerReceive} and {@link #registerSend} for a select. */
    static final int REGISTERED = 0;
    static final int SKIPPED = 1;
    static final int COMPLETED = 2;
    static final int STOPPED = 3;
    static final int RESTART = 4;

    /** How long a contended lock acquisition spins before blocking, in nanoseconds. */
    private static final long LOCK_SPIN_NANOS = 2_000L;
    private static final int INITIAL_ARRAY = 16;
    private static final int SHRINK_ABOVE = 64;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final Object[] NO_ITEMS = {};

    /** The closed kinds packed into the upper half of {@link #view}. */
    private static final long VIEW_DONE = 1L << 32;
    private static final long VIEW_ERROR = 2L << 32;

    private static final VarHandle VIEW;

    static {
        try {
            VIEW = MethodHandles.lookup().findVarHandle(Channel.class, "view", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final WaitQueue senders = new WaitQueue();
    private final WaitQueue receivers = new WaitQueue();
    private @Nullable Object[] items;
    private int head;
    private int count;
    /** The counterpart claimed in the current critical section, to unpark after unlocking. */
    private @Nullable Node pendingWake;
    private long closedKind; // 0 while open, else VIEW_DONE or VIEW_ERROR
    /**
     * What lock-free readers see: {@code closedKind | count}, written once per critical section
     * that changes either, so that size() and the isClosed probes read one consistent snapshot.
     */
    @SuppressWarnings("unused") // through VIEW
    private long view;
    private volatile @Nullable ChannelClosed<E> closed;

    private Channel(int capacity, String name) {
        this.capacity = capacity;
        this.name = name;
        this.items = capacity == 0 ? NO_ITEMS : new Object[Math.min(capacity, INITIAL_ARRAY)];
    }

    // ------------------------------------------------------------------ creation

    /**
     * Creates an unnamed rendezvous channel: a send waits until a receiver takes the element.
     *
     * @param <E> the element type
     * @return a new open channel with capacity 0
     */
    public static <E> Channel<E> rendezvous() {
        return create(0, Telemetry.DEFAULT_NAME);
    }

    /**
     * Creates a named rendezvous channel.
     *
     * @param name the name reported to telemetry and used in exception messages
     * @param <E> the element type
     * @return a new open channel with capacity 0
     * @throws NullPointerException if {@code name} is null
     */
    public static <E> Channel<E> rendezvous(String name) {
        return create(0, Objects.requireNonNull(name, "name"));
    }

    /**
     * Creates an unnamed buffered channel: up to {@code capacity} sent elements wait for a
     * receiver; a send blocks while they are all taken.
     *
     * @param capacity how many elements the channel buffers; memory is allocated as they arrive
     * @param <E> the element type
     * @return a new open channel
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public static <E> Channel<E> buffered(int capacity) {
        return create(checkCapacity(capacity), Telemetry.DEFAULT_NAME);
    }

    /**
     * Creates a named buffered channel.
     *
     * @param capacity how many elements the channel buffers; memory is allocated as they arrive
     * @param name the name reported to telemetry and used in exception messages
     * @param <E> the element type
     * @return a new open channel
     * @throws IllegalArgumentException if {@code capacity} is not positive
     * @throws NullPointerException if {@code name} is null
     */
    public static <E> Channel<E> buffered(int capacity, String name) {
        return create(checkCapacity(capacity), Objects.requireNonNull(name, "name"));
    }

    /**
     * Creates an unnamed unbounded channel: a send never blocks.
     *
     * @param <E> the element type
     * @return a new open channel with capacity {@link Integer#MAX_VALUE}
     */
    public static <E> Channel<E> unbounded() {
        return create(UNBOUNDED, Telemetry.DEFAULT_NAME);
    }

    /**
     * Creates a named unbounded channel.
     *
     * @param name the name reported to telemetry and used in exception messages
     * @param <E> the element type
     * @return a new open channel with capacity {@link Integer#MAX_VALUE}
     * @throws NullPointerException if {@code name} is null
     */
    public static <E> Channel<E> unbounded(String name) {
        return create(UNBOUNDED, Objects.requireNonNull(name, "name"));
    }

    private static int checkCapacity(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity
                    + " (use Channel.rendezvous() for a channel without a buffer)");
        }
        return capacity;
    }

    private static <E> Channel<E> create(int capacity, String name) {
        Channel<E> channel = new Channel<>(capacity, name);
        TelemetryListener listener = Telemetry.listener();
        if (listener != null) {
            listener.channelCreated(channel);
        }
        return channel;
    }

    // ------------------------------------------------------------------ sending

    /**
     * Sends an element, waiting while the channel cannot accept it (a rendezvous channel until a
     * receiver takes it; a buffered channel while the buffer is full).
     *
     * <p>If interrupted while waiting, the send either completed before the interrupt was noticed
     * (it then returns normally with the interrupt status still set) or has no effect.
     *
     * @param element the element to send
     * @throws InterruptedException if interrupted before the element was accepted; the element
     *     was not sent
     * @throws ChannelDoneException if the channel is done, or became done while waiting
     * @throws ChannelErrorException if the channel is in error, or failed while waiting
     * @throws NullPointerException if {@code element} is null
     */
    public void send(E element) throws InterruptedException {
        Object result = doSend(element, FOREVER);
        if (result != Signal.SENT) {
            throw closedException(closedResult(result), "send");
        }
    }

    /**
     * Sends an element like {@link #send(Object)}, but returns the closure instead of throwing.
     *
     * <pre>{@code
     * if (channel.sendOrClosed(element) instanceof ChannelClosed<?> closed) {
     *     stopProducing(closed);
     * }
     * }</pre>
     *
     * @param element the element to send
     * @return {@code null} if the element was sent, otherwise why the channel refused it
     * @throws InterruptedException if interrupted before the element was accepted
     * @throws NullPointerException if {@code element} is null
     */
    public @Nullable ChannelClosed<E> sendOrClosed(E element) throws InterruptedException {
        Object result = doSend(element, FOREVER);
        return result == Signal.SENT ? null : closedResult(result);
    }

    /**
     * Sends an element if the channel can accept it now: a receiver is waiting, or the buffer has
     * room. Never blocks and ignores the interrupt status.
     *
     * @param element the element to send
     * @return {@code true} if the element was sent, {@code false} if the channel cannot accept it
     *     now (the element was not sent)
     * @throws ChannelDoneException if the channel is done
     * @throws ChannelErrorException if the channel is in error
     * @throws NullPointerException if {@code element} is null
     */
    public boolean trySend(E element) {
        Object result;
        try {
            result = doSend(element, 0L);
        } catch (InterruptedException e) {
            throw new AssertionError("a non-blocking send cannot be interrupted", e);
        }
        return sentOrThrow(result);
    }

    /**
     * Sends an element, waiting at most {@code timeout} for the channel to accept it.
     *
     * @param element the element to send
     * @param timeout how long to wait; zero means do not wait
     * @return {@code true} if the element was sent, {@code false} if the timeout passed first
     *     (the element was not sent)
     * @throws InterruptedException if interrupted before the element was accepted
     * @throws ChannelDoneException if the channel is done, or became done while waiting
     * @throws ChannelErrorException if the channel is in error, or failed while waiting
     * @throws NullPointerException if {@code element} or {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public boolean trySend(E element, Duration timeout) throws InterruptedException {
        return sentOrThrow(doSend(element, timeoutNanos(timeout)));
    }

    private boolean sentOrThrow(Object result) {
        if (result == Signal.SENT) {
            return true;
        }
        if (result == Signal.EMPTY) {
            return false;
        }
        throw closedException(closedResult(result), "send");
    }

    /** Returns {@link Signal#SENT}, {@link Signal#EMPTY} (not sent) or a {@link ChannelClosed}. */
    private Object doSend(E element, long timeoutNanos) throws InterruptedException {
        Objects.requireNonNull(element, "element");
        if (timeoutNanos != 0L && Thread.interrupted()) {
            throw new InterruptedException("send on channel '" + name + "' was interrupted");
        }
        Node waiter = null;
        boolean spin = false;
        Object result;
        lock();
        try {
            result = offerLocked(element);
            if (result == Signal.EMPTY && timeoutNanos != 0L) {
                waiter = new Node(element);
                spin = senders.spinEligible();
                senders.add(waiter);
            }
        } finally {
            unlockAndWake();
        }
        if (waiter == null) {
            if (result == Signal.SENT) {
                reportSent(0L);
            }
            return result;
        }
        return awaitPlain(waiter, senders, spin, timeoutNanos);
    }

    // ------------------------------------------------------------------ receiving

    /**
     * Receives the next element, waiting until one is available.
     *
     * <p>If interrupted while waiting, the receive either completed before the interrupt was
     * noticed (it then returns the element with the interrupt status still set) or took nothing.
     *
     * @return the element
     * @throws InterruptedException if interrupted before an element was received; none was taken
     * @throws ChannelDoneException if the channel is done and every buffered element was received
     * @throws ChannelErrorException if the channel is in error
     */
    public E receive() throws InterruptedException {
        Object result = doReceive(FOREVER);
        if (result instanceof ChannelClosed<?>) {
            throw closedException(closedResult(result), "receive");
        }
        return element(result);
    }

    /**
     * Receives the next element like {@link #receive()}, but returns the closure instead of
     * throwing.
     *
     * <pre>{@code
     * for (;;) {
     *     switch (channel.receiveOrClosed()) {
     *         case ChannelResult.Value(var element) -> handle(element);
     *         case ChannelDone() -> { return; }
     *         case ChannelError(var cause) -> throw new IllegalStateException(cause);
     *     }
     * }
     * }</pre>
     *
     * @return the element as a {@link ChannelResult.Value}, or why none will come
     * @throws InterruptedException if interrupted before an element was received
     */
    public ChannelResult<E> receiveOrClosed() throws InterruptedException {
        Object result = doReceive(FOREVER);
        if (result instanceof ChannelClosed<?>) {
            return closedResult(result);
        }
        return new ChannelResult.Value<>(element(result));
    }

    /**
     * Receives an element if one is available now: buffered, or offered by a waiting sender.
     * Never blocks and ignores the interrupt status.
     *
     * @return the element, or {@code null} if none is available now
     * @throws ChannelDoneException if the channel is done and every buffered element was received
     * @throws ChannelErrorException if the channel is in error
     */
    public @Nullable E tryReceive() {
        Object result;
        try {
            result = doReceive(0L);
        } catch (InterruptedException e) {
            throw new AssertionError("a non-blocking receive cannot be interrupted", e);
        }
        return receivedOrThrow(result);
    }

    /**
     * Receives an element, waiting at most {@code timeout} for one.
     *
     * @param timeout how long to wait; zero means do not wait
     * @return the element, or {@code null} if the timeout passed first (nothing was taken)
     * @throws InterruptedException if interrupted before an element was received
     * @throws ChannelDoneException if the channel is done and every buffered element was received
     * @throws ChannelErrorException if the channel is in error
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public @Nullable E tryReceive(Duration timeout) throws InterruptedException {
        return receivedOrThrow(doReceive(timeoutNanos(timeout)));
    }

    private @Nullable E receivedOrThrow(Object result) {
        if (result == Signal.EMPTY) {
            return null;
        }
        if (result instanceof ChannelClosed<?>) {
            throw closedException(closedResult(result), "receive");
        }
        return element(result);
    }

    /** Returns the element, {@link Signal#EMPTY} (nothing received) or a {@link ChannelClosed}. */
    private Object doReceive(long timeoutNanos) throws InterruptedException {
        if (timeoutNanos != 0L && Thread.interrupted()) {
            throw new InterruptedException("receive on channel '" + name + "' was interrupted");
        }
        Node waiter = null;
        boolean spin = false;
        Object result;
        lock();
        try {
            result = pollLocked();
            if (result == Signal.EMPTY && timeoutNanos != 0L) {
                waiter = new Node(null);
                spin = receivers.spinEligible();
                receivers.add(waiter);
            }
        } finally {
            unlockAndWake();
        }
        if (waiter == null) {
            if (!(result instanceof Signal) && !(result instanceof ChannelClosed<?>)) {
                reportReceived(0L);
            }
            return result;
        }
        return awaitPlain(waiter, receivers, spin, timeoutNanos);
    }

    /**
     * Waits for a plain send or receive that found no counterpart and is queued in {@code queue}.
     *
     * @return for a send, {@link Signal#SENT}; for a receive, the element; {@link Signal#EMPTY} if
     *     the timeout passed; or the {@link ChannelClosed} that woke it
     * @throws InterruptedException if interrupted before a counterpart claimed it
     */
    private Object awaitPlain(Node waiter, WaitQueue queue, boolean spin, long timeoutNanos)
            throws InterruptedException {
        boolean send = queue == senders;
        TelemetryListener listener = Telemetry.listener();
        long start = listener != null || timeoutNanos != FOREVER ? System.nanoTime() : 0L;
        Tracking.Wait wait = Tracking.enabled() ? Tracking.channel(send, this) : null;
        int state = waiter.await(spin, deadline(start, timeoutNanos));
        Tracking.end(wait);                          // structure tracking; await returns, never throws
        if (state < 0) {
            if (cancel(waiter, queue)) {
                if (state == Waiter.INTERRUPTED) {
                    Thread.interrupted();
                    throw new InterruptedException((send ? "send" : "receive") + " on channel '" + name
                            + "' was interrupted");
                }
                return Signal.EMPTY;
            }
            state = waiter.state(); // a counterpart or a closer claimed it first: that counts
        }
        if (state == Waiter.CLOSED) {
            return Objects.requireNonNull(closed);
        }
        if (listener != null) {
            long blocked = System.nanoTime() - start;
            if (send) {
                listener.channelSent(name, blocked);
            } else {
                listener.channelReceived(name, blocked);
            }
        }
        return send ? Signal.SENT : Objects.requireNonNull(waiter.item);
    }

    // ------------------------------------------------------------------ closing

    /**
     * Closes the channel for sending: nothing more will be sent. Sends after this, and sends
     * blocked now, fail with {@link ChannelDoneException} (their elements were never accepted).
     * Receivers still receive every buffered element, then see the channel done. Has no effect
     * if the channel is already closed.
     *
     * @return {@code true} if this call closed the channel, {@code false} if it was already done
     *     or in error
     */
    public boolean done() {
        List<Node> woken = new ArrayList<>();
        lock();
        try {
            if (closed != null) {
                return false;
            }
            closed = ChannelDone.instance();
            closedKind = VIEW_DONE;
            publish();
            senders.closeAll(woken);
            receivers.closeAll(woken);
        } finally {
            lock.unlock();
        }
        woken.forEach(Node::wakeOwner);
        TelemetryListener listener = Telemetry.listener();
        if (listener != null) {
            listener.channelClosed(name, Outcome.SUCCESS, 0);
        }
        return true;
    }

    /**
     * Closes the channel with a failure: every waiting and later send and receive fails with a
     * {@link ChannelErrorException} carrying {@code cause}. The elements buffered now are
     * discarded: they are returned, in the order they were sent, so the caller can release or
     * re-route them.
     *
     * <p>On a channel that is already done but not yet drained, this aborts the drain: the
     * remaining elements are discarded and returned, and receivers see the error. It has no effect
     * on a channel already in error or already done and drained (and then returns an empty list).
     * Telemetry sees such an abort as a second closing, a failure with the discarded count.
     *
     * @param cause why the exchange failed
     * @return the discarded elements, in a new list owned by the caller; empty if none
     * @throws NullPointerException if {@code cause} is null
     */
    public List<E> error(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        List<Node> woken = new ArrayList<>();
        List<E> discarded;
        lock();
        try {
            ChannelClosed<E> c = closed;
            if (c instanceof ChannelError<?> || (c != null && count == 0)) {
                return new ArrayList<>(0);
            }
            closed = new ChannelError<>(cause);
            closedKind = VIEW_ERROR;
            discarded = drainLocked(); // publishes
            senders.closeAll(woken);
            receivers.closeAll(woken);
        } finally {
            lock.unlock();
        }
        woken.forEach(Node::wakeOwner);
        TelemetryListener listener = Telemetry.listener();
        if (listener != null) {
            listener.channelClosed(name, Outcome.FAILURE, discarded.size());
        }
        return discarded;
    }

    /**
     * Returns whether sends fail now: the channel is done or in error.
     *
     * @return {@code true} once {@link #done()} or {@link #error(Throwable)} was called
     */
    public boolean isClosedForSend() {
        return (long) VIEW.getAcquire(this) >= VIEW_DONE;
    }

    /**
     * Returns whether receives fail now: the channel is in error, or done with nothing left to
     * receive. Once true it stays true.
     *
     * @return {@code true} if no element will ever be received again
     */
    public boolean isClosedForReceive() {
        long v = (long) VIEW.getAcquire(this);
        return v >= VIEW_ERROR || v == VIEW_DONE;
    }

    // ------------------------------------------------------------------ iteration

    /**
     * Returns an iterator that receives elements until the channel is done. {@code hasNext()}
     * blocks until an element arrives or the channel is done; it throws
     * {@link ChannelErrorException} if the channel is in error, and, if the thread is interrupted
     * while waiting, a {@link CancellationException} whose cause is the
     * {@link InterruptedException}, with the interrupt status set again (the iteration cannot
     * throw the checked exception).
     *
     * @return a consuming iterator; elements it returns are received and gone from the channel
     */
    @Override
    public Iterator<E> iterator() {
        return new Iterator<>() {
            private @Nullable E next;

            @Override
            public boolean hasNext() {
                if (next != null) {
                    return true;
                }
                Object result;
                try {
                    result = doReceive(FOREVER);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    CancellationException cancelled = new CancellationException(
                            "iteration over channel '" + name + "' was interrupted");
                    cancelled.initCause(e);
                    throw cancelled;
                }
                if (result instanceof ChannelDone<?>) {
                    return false;
                }
                if (result instanceof ChannelClosed<?>) {
                    throw closedException(closedResult(result), "receive");
                }
                next = element(result);
                return true;
            }

            @Override
            public E next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("channel '" + name + "' is done");
                }
                E element = Objects.requireNonNull(next);
                next = null;
                return element;
            }
        };
    }

    /**
     * Returns a sequential stream that receives elements until the channel is done, with the
     * behaviour of {@link #iterator()} on error and interrupt.
     *
     * <pre>{@code
     * long big = orders.stream().filter(o -> o.total() > 1000).count(); // consumes the channel
     * }</pre>
     *
     * @return a consuming, ordered stream of non-null elements
     */
    public Stream<E> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(),
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    // ------------------------------------------------------------------ select clauses

    /**
     * Returns a clause for {@link Select} that receives an element from this channel; the select
     * returns the element.
     *
     * @return a receive clause
     */
    public SelectClause<E> receiveClause() {
        return new SelectClause.Receive<>(this, null);
    }

    /**
     * Returns a clause for {@link Select} that receives an element from this channel; the select
     * returns what {@code onReceive} returns for it. The function runs on the selecting thread
     * after the select completed, outside any lock.
     *
     * @param onReceive maps the received element to the select's result
     * @param <U> the select's result type
     * @return a receive clause
     * @throws NullPointerException if {@code onReceive} is null
     */
    public <U extends @Nullable Object> SelectClause<U> receiveClause(Function<? super E, ? extends U> onReceive) {
        return new SelectClause.Receive<>(this, Objects.requireNonNull(onReceive, "onReceive"));
    }

    /**
     * Returns a clause for {@link Select} that sends {@code element} to this channel; the select
     * returns the element.
     *
     * @param element the element to send if this clause is selected
     * @return a send clause
     * @throws NullPointerException if {@code element} is null
     */
    public SelectClause<E> sendClause(E element) {
        return new SelectClause.Send<>(this, Objects.requireNonNull(element, "element"), null);
    }

    /**
     * Returns a clause for {@link Select} that sends {@code element} to this channel; the select
     * returns what {@code onSent} returns. The supplier runs on the selecting thread after the
     * select completed, outside any lock.
     *
     * @param element the element to send if this clause is selected
     * @param onSent supplies the select's result once the element was sent
     * @param <U> the select's result type
     * @return a send clause
     * @throws NullPointerException if {@code element} or {@code onSent} is null
     */
    public <U extends @Nullable Object> SelectClause<U> sendClause(E element, Supplier<? extends U> onSent) {
        return new SelectClause.Send<>(this, Objects.requireNonNull(element, "element"),
                Objects.requireNonNull(onSent, "onSent"));
    }

    // ------------------------------------------------------------------ telemetry view

    /**
     * Returns the channel's name, or {@link Telemetry#DEFAULT_NAME} if none was given.
     *
     * @return the name
     */
    @Override
    public String name() {
        return name;
    }

    /**
     * Returns an estimate of how many elements are buffered and not yet received, read without
     * locking: exact when no operation is in flight. Always {@code 0} for a rendezvous channel
     * (blocked senders' elements are not buffered).
     *
     * @return the estimated number of buffered elements
     */
    @Override
    public int size() {
        return (int) (long) VIEW.getAcquire(this);
    }

    /**
     * Returns how many elements the channel buffers: {@code 0} for a rendezvous channel,
     * {@link Integer#MAX_VALUE} for an unbounded one.
     *
     * @return the capacity
     */
    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public String toString() {
        ChannelClosed<E> c = closed;
        String state = c == null ? "open" : c instanceof ChannelDone<?> ? "done" : "error";
        String kind = capacity == 0 ? "rendezvous" : capacity == UNBOUNDED ? "unbounded" : "buffered(" + capacity + ")";
        return "Channel[" + name + ", " + kind + ", size=" + size() + ", " + state + "]";
    }

    // ------------------------------------------------------------------ select support

    /** The closure, read without the lock (null while open). */
    @Nullable ChannelClosed<E> closedState() {
        return closed;
    }

    /** Select phase 1: receives now if possible. Returns the element, EMPTY or a ChannelClosed. */
    Object selectTryReceive() {
        lock();
        try {
            return pollLocked();
        } finally {
            unlockAndWake();
        }
    }

    /** Select phase 1: sends now if possible. Returns SENT, EMPTY or a ChannelClosed. */
    Object selectTrySend(Object element) {
        lock();
        try {
            return offerLocked(element);
        } finally {
            unlockAndWake();
        }
    }

    /**
     * Select phase 2: under the lock, either completes the receive clause {@code node} (claiming
     * its own select first, so that only one clause of a select ever completes), or registers the
     * node in the receiver queue.
     *
     * @return {@link #REGISTERED}; {@link #COMPLETED} (the select is claimed for this clause and
     *     the element is in {@code node.item}); {@link #STOPPED} (the select was already claimed or
     *     closed through another clause); {@link #SKIPPED} (the channel is done and drained: the
     *     clause can never complete); {@link #RESTART} (the channel failed, or the only
     *     counterparts were selects completed elsewhere: the select must start over)
     */
    int registerReceive(Node node) {
        Waiter select = node.owner;
        lock();
        try {
            if (select.state() > Waiter.PARKED) {
                return STOPPED;
            }
            if (count == 0 && senders.firstLive() == null) {
                if (closed instanceof ChannelDone<?>) {
                    return SKIPPED;
                }
                if (closed != null) {
                    return RESTART;
                }
                node.spin = receivers.spinEligible();
                receivers.add(node);
                return REGISTERED;
            }
            if (!node.claimSelected()) {
                return STOPPED;
            }
            Object element = pollLocked();
            if (element instanceof Signal || element instanceof ChannelClosed<?>) {
                select.retract(Waiter.CLOSED); // the waiting sender's select completed elsewhere
                return RESTART;
            }
            node.item = element;
            return COMPLETED;
        } finally {
            unlockAndWake();
        }
    }

    /**
     * Select phase 2 for a send clause; see {@link #registerReceive(Node)}. A closed channel
     * yields {@link #RESTART}, so that phase 1 reports the closure.
     */
    int registerSend(Node node) {
        Waiter select = node.owner;
        lock();
        try {
            if (select.state() > Waiter.PARKED) {
                return STOPPED;
            }
            if (closed != null) {
                return RESTART;
            }
            if (count >= capacity && (count > 0 || receivers.firstLive() == null)) {
                node.spin = senders.spinEligible();
                senders.add(node);
                return REGISTERED;
            }
            if (!node.claimSelected()) {
                return STOPPED;
            }
            if (offerLocked(Objects.requireNonNull(node.item)) != Signal.SENT) {
                select.retract(Waiter.CLOSED); // the waiting receiver's select completed elsewhere
                return RESTART;
            }
            return COMPLETED;
        } finally {
            unlockAndWake();
        }
    }

    /** Removes a select's clause node if it is still queued here. */
    void unregister(Node node, boolean send) {
        if (!node.queued) { // only this thread ever queues the node, so a stale read is a true one
            return;
        }
        lock();
        try {
            (send ? senders : receivers).remove(node);
        } finally {
            lock.unlock();
        }
    }

    /** For tests and diagnostics: how many plain or select sends wait here now (live ones). */
    int waitingSenders() {
        lock();
        try {
            return senders.liveCount();
        } finally {
            lock.unlock();
        }
    }

    /** For tests and diagnostics: how many plain or select receives wait here now (live ones). */
    int waitingReceivers() {
        lock();
        try {
            return receivers.liveCount();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ internals

    /**
     * Acquires the channel lock, spinning briefly first when it is held: critical sections are a
     * few dozen nanoseconds, while ReentrantLock parks a contended acquirer almost at once, and a
     * park/unpark round trip costs microseconds (measured: it made a rendezvous ping-pong between
     * two platform threads 7 times slower than SynchronousQueue).
     */
    private void lock() {
        if (!lock.tryLock()) {
            lockContended();
        }
    }

    private void lockContended() {
        if (Waiter.spinning && Waiter.MULTIPROCESSOR) {
            long spinUntil = 0L;
            boolean virtual = Thread.currentThread().isVirtual(); // yields instead, see Waiter
            for (int rounds = 1; ; rounds++) {
                if (virtual) {
                    Thread.yield();
                    rounds = Waiter.CLOCK_EVERY; // check the clock every round
                } else {
                    Thread.onSpinWait();
                }
                if (!lock.isLocked() && lock.tryLock()) {
                    return;
                }
                if ((rounds & (Waiter.CLOCK_EVERY - 1)) == 0) {
                    long now = System.nanoTime();
                    if (spinUntil == 0L) {
                        spinUntil = now + LOCK_SPIN_NANOS;
                    } else if (now - spinUntil >= 0L) {
                        break;
                    }
                }
            }
        }
        lock.lock();
    }

    /** Cancels a plain waiter that gave up; false if a counterpart or a closer claimed it first. */
    private boolean cancel(Node waiter, WaitQueue queue) {
        lock();
        try {
            if (waiter.claim(Waiter.CANCELLED) == Waiter.CLAIM_FAILED) {
                return false;
            }
            queue.remove(waiter);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock: sends now if possible, handing the element to the first waiting receiver
     * (left in {@link #pendingWake}) or buffering it.
     *
     * @return {@link Signal#SENT}, {@link Signal#EMPTY} (no receiver waits and no room) or the
     *     {@link ChannelClosed}
     */
    private Object offerLocked(Object element) {
        ChannelClosed<E> c = closed;
        if (c != null) {
            return c;
        }
        if (count == 0 && !receivers.isEmpty() && (pendingWake = receivers.claimFirst(element)) != null) {
            return Signal.SENT;
        }
        if (count < capacity) {
            putLocked(element);
            return Signal.SENT;
        }
        return Signal.EMPTY;
    }

    /**
     * Under the lock: receives now if possible, from the buffer (refilling it from a waiting
     * sender) or from the first waiting sender; that sender is left in {@link #pendingWake}.
     *
     * @return the element, {@link Signal#EMPTY} or the {@link ChannelClosed}
     */
    private Object pollLocked() {
        if (count > 0) {
            Object element = Objects.requireNonNull(items[head]);
            pendingWake = takeHeadLocked();
            return element;
        }
        if (!senders.isEmpty() && (pendingWake = senders.claimFirst(null)) != null) {
            return Objects.requireNonNull(pendingWake.item);
        }
        ChannelClosed<E> c = closed;
        return c != null ? c : Signal.EMPTY;
    }

    /** Releases the lock, then unparks the counterpart this critical section claimed, if any. */
    private void unlockAndWake() {
        Node woken = pendingWake;
        pendingWake = null;
        lock.unlock();
        if (woken != null) {
            woken.wakeOwner();
        }
    }

    private void reportSent(long blockedNanos) {
        TelemetryListener listener = Telemetry.listener();
        if (listener != null) {
            listener.channelSent(name, blockedNanos);
        }
    }

    private void reportReceived(long blockedNanos) {
        TelemetryListener listener = Telemetry.listener();
        if (listener != null) {
            listener.channelReceived(name, blockedNanos);
        }
    }

    /** Makes the current count and closed kind visible to lock-free readers, in one write. */
    private void publish() {
        VIEW.setRelease(this, closedKind | count);
    }

    /** Appends to the ring; the caller checked {@code count < capacity}. */
    private void putLocked(Object element) {
        Object[] a = items;
        int n = count;
        if (n == a.length) {
            a = resize(growLength(a.length));
        }
        int tail = head + n;
        if (tail >= a.length) {
            tail -= a.length;
        }
        a[tail] = element;
        count = n + 1;
        publish();
    }

    /**
     * Removes the head element (the caller read it first) and, if a sender waits, moves its
     * element into the buffer in the same step.
     *
     * @return the sender to wake after unlocking, or null
     */
    private @Nullable Node takeHeadLocked() {
        Object[] a = items;
        Node sender = capacity == UNBOUNDED || senders.isEmpty() ? null : senders.claimFirst(null);
        int h = head;
        if (sender != null) {
            // a live sender waits only while the ring is full: the freed head slot is the new tail
            assert count == a.length : count + " != " + a.length;
            a[h] = sender.item;
        } else {
            a[h] = null;
            count--;
            publish();
        }
        head = h + 1 == a.length ? 0 : h + 1;
        if (sender == null && a.length > SHRINK_ABOVE && count < a.length >> 2) {
            resize(a.length >> 1);
        }
        return sender;
    }

    @SuppressWarnings("unchecked")
    private List<E> drainLocked() {
        List<E> drained = new ArrayList<>(count);
        Object[] a = items;
        for (int i = 0, h = head; i < count; i++) {
            drained.add((E) a[h]);
            h = h + 1 == a.length ? 0 : h + 1;
        }
        items = capacity == 0 ? NO_ITEMS : new Object[Math.min(capacity, INITIAL_ARRAY)];
        head = 0;
        count = 0;
        publish();
        return drained;
    }

    private int growLength(int length) {
        if (length >= MAX_ARRAY) {
            throw new OutOfMemoryError("channel '" + name + "' cannot buffer more than " + MAX_ARRAY + " elements");
        }
        long doubled = Math.max(INITIAL_ARRAY, 2L * length);
        return (int) Math.min(Math.min(doubled, (long) capacity), MAX_ARRAY);
    }

    private Object[] resize(int length) {
        Object[] a = items;
        Object[] b = new Object[length];
        int n = count;
        int firstPart = Math.min(n, a.length - head);
        System.arraycopy(a, head, b, 0, firstPart);
        System.arraycopy(a, 0, b, firstPart, n - firstPart);
        items = b;
        head = 0;
        return b;
    }

    @SuppressWarnings("unchecked")
    private static <E> E element(Object received) {
        return (E) received;
    }

    @SuppressWarnings("unchecked")
    private static <E> ChannelClosed<E> closedResult(Object result) {
        return (ChannelClosed<E>) result;
    }

    ChannelClosedException closedException(ChannelClosed<?> c, String operation) {
        return closedException(c, operation + " on channel '" + name + "'", operation.equals("send")
                ? "; nothing may be sent after done()" : " and every element has been received");
    }

    /**
     * Builds the exception for a closure seen by an operation.
     *
     * @param what the operation and its channels, such as "send on channel 'orders'"
     * @param doneDetail what "done" means for this operation, appended to the message
     */
    static ChannelClosedException closedException(ChannelClosed<?> c, String what, String doneDetail) {
        String who = " by " + describe(Thread.currentThread());
        return switch (c) {
            case ChannelDone<?> d -> new ChannelDoneException(what + who
                    + " failed: the channel is done (done() was called)" + doneDetail);
            case ChannelError<?>(Throwable cause) -> new ChannelErrorException(what + who
                    + " failed: the channel is in error: " + cause, cause);
        };
    }

    static String describe(Thread thread) {
        String threadName = thread.getName();
        String kind = thread.isVirtual() ? "virtual thread" : "thread";
        return threadName.isEmpty() ? kind + " #" + thread.threadId() : kind + " '" + threadName + "'";
    }

    static long timeoutNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        try {
            long nanos = timeout.toNanos();
            return nanos == FOREVER ? FOREVER - 1 : nanos;
        } catch (ArithmeticException tooLong) {
            return FOREVER - 1;
        }
    }

    /** The absolute deadline for a wait that started at {@code start}; MAX_VALUE for none. */
    static long deadline(long start, long timeoutNanos) {
        if (timeoutNanos == FOREVER) {
            return Long.MAX_VALUE;
        }
        long deadline = start + timeoutNanos;
        return deadline == Long.MAX_VALUE || deadline < start ? Long.MAX_VALUE - 1 : deadline;
    }

    /** Internal results that are neither elements nor closures. */
    enum Signal {
        /** The element was accepted. */
        SENT,
        /** Nothing happened: no element to receive, no room to send, or the timeout passed. */
        EMPTY
    }
}
