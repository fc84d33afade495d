package dev.fearless.channel;

import dev.fearless.internal.Bound;
import dev.fearless.internal.Durations;
import dev.fearless.internal.Names;
import dev.fearless.internal.SchedulingPoints;
import dev.fearless.internal.Threads;
import dev.fearless.internal.TimeSource;
import dev.fearless.telemetry.ChannelState;
import dev.fearless.telemetry.ChannelTelemetry;
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
import java.lang.reflect.UndeclaredThrowableException;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
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
 * exception messages. {@link #builder()} also makes buffered channels that drop instead of
 * blocking when full ({@link Overflow#DROP_OLDEST}, {@link Overflow#DROP_LATEST}, and
 * {@linkplain Builder#conflated() conflated} ones that keep only the newest element), and takes
 * an {@linkplain Builder#onUndelivered onUndelivered} callback.
 *
 * <p>Operations come in flavours:
 * <ul>
 *   <li>blocking: {@link #send(Object)}, {@link #receive()}, interruptible; they throw
 *       {@link ChannelDoneException} or {@link ChannelErrorException} when the channel is closed;</li>
 *   <li>closed as a value: {@link #sendOrClosed(Object)}, {@link #receiveOrClosed()} return a
 *       {@link ChannelClosed} result instead of throwing;</li>
 *   <li>non-blocking: {@link #trySend(Object)} returns {@code false}, {@link #tryReceive()} an
 *       empty {@code Optional} when nothing can happen now; they throw when the channel is
 *       closed;</li>
 *   <li>timed: {@link #trySend(Object, Duration)}, {@link #tryReceive(Duration)}; zero means do
 *       not wait;</li>
 *   <li>why, as a value, never throwing: {@link #trySendOrClosed(Object)} and
 *       {@link #tryReceiveOrClosed()} (and their timed forms) return a {@link SendResult} or
 *       {@link ReceiveResult} that says whether the channel was full or empty, or closed;</li>
 *   <li>several producers: {@link #producers(int)} hands out handles, and the last one closed
 *       closes the channel;</li>
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
 * one receive, or is returned by {@code error}, or (under a dropping {@link Overflow} policy) is
 * dropped and passed to the onUndelivered callback. A blocking operation that is interrupted or
 * times out either completes (and then keeps the interrupt status set) or has no effect: an
 * interrupted send leaves no element behind, an interrupted receive takes none.
 *
 * <p>Undelivered elements. A channel built with {@link Builder#onUndelivered(Consumer)} passes
 * to it every element that will never be received: each element {@link #error(Throwable)}
 * discards (they are also returned), each element a dropping {@link Overflow} policy drops, and
 * the element of a {@link #send(Object)} or {@link #sendOrClosed(Object)} that fails (interrupted,
 * or the channel is or became closed). It is not called when a {@code try} form reports that it
 * did not send (the caller still holds the element), nor for the send clauses of a select
 * (only for an element that a selected send clause made the policy drop). The callback runs on
 * the thread of that operation, outside the channel's lock, after the operation has fully taken
 * effect, so whatever it throws leaves the channel consistent: a
 * {@code Throwable} from it is added as suppressed to the exception the operation throws anyway,
 * or else thrown to the operation's caller once every dropped element was passed (the first
 * one thrown, later ones suppressed).
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
     * Overflow policies (DROP_OLDEST, DROP_LATEST) live in offerLocked: a full ring either
     * overwrites its head slot (which, the ring being full, is the next tail) or ignores the new
     * element, and the send succeeds; so such a channel never queues a sender. The dropped
     * element is left in pendingDrop and handed back by unlockAndWake, and the operation passes
     * it to onUndelivered once it has fully taken effect (a select: after unregistering its
     * other clauses). Every call into onUndelivered happens outside the lock with the channel
     * consistent, so a Throwable from it only reaches the caller (R7).
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
    /** The telemetry binding (a racy cache of an immutable holder; see Bound). */
    private @Nullable Bound<ChannelTelemetry> bound;
    private final int capacity;
    private final Overflow overflow;
    private final @Nullable Consumer<? super E> onUndelivered;
    /** Whether waiters and contended lock acquisitions may spin (tests under Lincheck: no). */
    private final boolean spinning;
    private final ReentrantLock lock = new ReentrantLock();
    private final WaitQueue senders = new WaitQueue();
    private final WaitQueue receivers = new WaitQueue();
    private @Nullable Object[] items;
    private int head;
    private int count;
    /** The counterpart claimed in the current critical section, to unpark after unlocking. */
    private @Nullable Node pendingWake;
    /** The element the overflow policy dropped in the current critical section, for onUndelivered. */
    private @Nullable Object pendingDrop;
    private long closedKind; // 0 while open, else VIEW_DONE or VIEW_ERROR
    /**
     * What lock-free readers see: {@code closedKind | count}, written once per critical section
     * that changes either, so that size() and the isClosed probes read one consistent snapshot.
     */
    @SuppressWarnings("unused") // through VIEW
    private long view;
    private volatile @Nullable ChannelClosed<E> closed;

    private Channel(int capacity, String name, Overflow overflow, @Nullable Consumer<? super E> onUndelivered,
            boolean spinning) {
        this.capacity = capacity;
        this.name = name;
        this.overflow = overflow;
        this.onUndelivered = onUndelivered;
        this.spinning = spinning;
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
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static <E> Channel<E> rendezvous(String name) {
        return create(0, Names.requireValid(name));
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
     * @throws IllegalArgumentException if {@code capacity} is not positive, or {@code name} is blank
     * @throws NullPointerException if {@code name} is null
     */
    public static <E> Channel<E> buffered(int capacity, String name) {
        return create(checkCapacity(capacity), Names.requireValid(name));
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
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static <E> Channel<E> unbounded(String name) {
        return create(UNBOUNDED, Names.requireValid(name));
    }

    private static int checkCapacity(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity
                    + " (use Channel.rendezvous() for a channel without a buffer)");
        }
        return capacity;
    }

    private static <E> Channel<E> create(int capacity, String name) {
        return create(capacity, name, Overflow.BLOCK, null, Waiter.SPIN_BY_DEFAULT);
    }

    private static <E> Channel<E> create(int capacity, String name, Overflow overflow,
            @Nullable Consumer<? super E> onUndelivered, boolean spinning) {
        Channel<E> channel = new Channel<>(capacity, name, overflow, onUndelivered, spinning);
        TelemetryListener listener = Telemetry.listener();
        if (listener != null) {
            listener.channelCreated(channel);
        }
        return channel;
    }

    /**
     * Returns a builder for a channel with the settings the factory methods do not offer: an
     * {@link Overflow} policy other than blocking (drop the oldest or the latest element, or a
     * conflated channel that keeps only the newest), and an
     * {@linkplain Builder#onUndelivered(Consumer) onUndelivered} callback.
     *
     * <pre>{@code
     * Channel<Price> latest = Channel.<Price>builder()
     *         .name("prices")
     *         .conflated()                        // one slot; a send replaces what was not received
     *         .onUndelivered(Price::release)      // sees each replaced price
     *         .build();
     * }</pre>
     *
     * @param <E> the element type
     * @return a new builder for a rendezvous channel with {@link Overflow#BLOCK}, unnamed
     */
    public static <E> Builder<E> builder() {
        return new Builder<>();
    }

    /**
     * Builds a {@link Channel}; see {@link Channel#builder()}. A builder may be reused: each
     * {@link #build()} creates a new channel with the settings made so far.
     *
     * <pre>{@code
     * Channel<Event> events = Channel.<Event>builder()
     *         .capacity(1024)
     *         .overflow(Overflow.DROP_OLDEST)     // a slow consumer loses the oldest events
     *         .build();
     * }</pre>
     *
     * @param <E> the element type
     */
    public static final class Builder<E> {
        private int capacity;
        private String name = Telemetry.DEFAULT_NAME;
        private Overflow overflow = Overflow.BLOCK;
        private @Nullable Consumer<? super E> onUndelivered;
        private boolean spinning = Waiter.SPIN_BY_DEFAULT;

        private Builder() {}

        /**
         * Names the channel, for telemetry and exception messages.
         *
         * @param name the name
         * @return this builder
         * @throws NullPointerException if {@code name} is null
         * @throws IllegalArgumentException if {@code name} is blank
         */
        public Builder<E> name(String name) {
            this.name = Names.requireValid(name);
            return this;
        }

        /**
         * Sets how many elements the channel buffers: {@code 0} (the default) for a rendezvous
         * channel, {@link Integer#MAX_VALUE} for an unbounded one.
         *
         * @param capacity the capacity, not negative
         * @return this builder
         * @throws IllegalArgumentException if {@code capacity} is negative
         */
        public Builder<E> capacity(int capacity) {
            if (capacity < 0) {
                throw new IllegalArgumentException("capacity must not be negative: " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /**
         * Makes the channel unbounded: {@code capacity(Integer.MAX_VALUE)}.
         *
         * @return this builder
         */
        public Builder<E> unbounded() {
            return capacity(UNBOUNDED);
        }

        /**
         * Makes the channel conflated, as Kotlin's {@code CONFLATED}: one slot, and a send into a
         * full slot replaces the element there ({@code capacity(1).overflow(DROP_OLDEST)}), so
         * a receiver always gets the newest element and a send never blocks.
         *
         * @return this builder
         */
        public Builder<E> conflated() {
            return capacity(1).overflow(Overflow.DROP_OLDEST);
        }

        /**
         * Sets what a send does when the buffer is full; see {@link Overflow}. A policy other than
         * {@link Overflow#BLOCK} needs a buffer: a capacity between 1 and
         * {@code Integer.MAX_VALUE - 1} (checked by {@link #build()}).
         *
         * @param overflow the policy
         * @return this builder
         * @throws NullPointerException if {@code overflow} is null
         */
        public Builder<E> overflow(Overflow overflow) {
            this.overflow = Objects.requireNonNull(overflow, "overflow");
            return this;
        }

        /**
         * Sets a callback for elements that the channel accepted but will never deliver, and for
         * elements of blocking sends that failed; see "Undelivered elements" in {@link Channel}.
         *
         * @param onUndelivered called with each such element, outside the channel's lock
         * @return this builder
         * @throws NullPointerException if {@code onUndelivered} is null
         */
        public Builder<E> onUndelivered(Consumer<? super E> onUndelivered) {
            this.onUndelivered = Objects.requireNonNull(onUndelivered, "onUndelivered");
            return this;
        }

        /**
         * For tests (R6: a builder knob, not a mutable static): whether waiters and contended
         * lock acquisitions may spin before parking. Lincheck tests turn it off: Lincheck
         * recognises a spin loop and switches threads until the state changes, so with spinning
         * on it would never explore the park/unpark hand-shake, and would spend its budget on
         * spin iterations.
         */
        Builder<E> spinning(boolean spinning) {
            this.spinning = spinning;
            return this;
        }

        /**
         * Creates the channel.
         *
         * @return a new open channel
         * @throws IllegalArgumentException if the overflow policy drops elements but the channel
         *     has no buffer (rendezvous) or an unbounded one
         */
        public Channel<E> build() {
            if (overflow != Overflow.BLOCK && (capacity == 0 || capacity == UNBOUNDED)) {
                throw new IllegalArgumentException("overflow " + overflow + " needs a bounded buffer, but capacity is "
                        + (capacity == 0 ? "0 (rendezvous)" : "unbounded")
                        + "; use capacity(n) with n > 0, or conflated()");
            }
            return create(capacity, name, overflow, onUndelivered, spinning);
        }
    }

    // ------------------------------------------------------------------ sending

    /**
     * Sends an element, waiting while the channel cannot accept it (a rendezvous channel until a
     * receiver takes it; a buffered channel while the buffer is full).
     *
     * <p>If interrupted while waiting, the send either completed before the interrupt was noticed
     * (it then returns normally with the interrupt status still set) or has no effect. A send that
     * fails passes its element to the {@linkplain Builder#onUndelivered onUndelivered} callback.
     *
     * @param element the element to send
     * @throws InterruptedException if interrupted before the element was accepted; the element
     *     was not sent
     * @throws ChannelDoneException if the channel is done, or became done while waiting
     * @throws ChannelErrorException if the channel is in error, or failed while waiting
     * @throws NullPointerException if {@code element} is null
     */
    public void send(E element) throws InterruptedException {
        SchedulingPoints.before("Channel", name, "send");
        Object result = sendBlocking(element);
        if (result != Signal.SENT) {
            throw undeliveredOnFailure(element, closedException(closedResult(result), "send"));
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
     * @return {@link SendResult.Sent} if the element was sent, otherwise the {@link ChannelClosed}
     *     that refused it
     * @throws InterruptedException if interrupted before the element was accepted
     * @throws NullPointerException if {@code element} is null
     */
    public SendResult sendOrClosed(E element) throws InterruptedException {
        Object result = sendBlocking(element);
        if (result == Signal.SENT) {
            return SendResult.Sent.INSTANCE;
        }
        undelivered(List.of(element));
        return closedResult(result);
    }

    /** A send without timeout; an interrupted one passes its element to onUndelivered. */
    private Object sendBlocking(E element) throws InterruptedException {
        try {
            return doSend(element, FOREVER);
        } catch (InterruptedException e) {
            throw undeliveredOnFailure(element, e);
        }
    }

    /**
     * Sends an element if the channel can accept it now: a receiver is waiting, or the buffer has
     * room (or the {@link Overflow} policy makes room). Never blocks and ignores the interrupt
     * status.
     *
     * @param element the element to send
     * @return {@code true} if the element was sent, {@code false} if the channel cannot accept it
     *     now (the element was not sent)
     * @throws ChannelDoneException if the channel is done
     * @throws ChannelErrorException if the channel is in error
     * @throws NullPointerException if {@code element} is null
     */
    public boolean trySend(E element) {
        SchedulingPoints.before("Channel", name, "trySend");
        return sentOrThrow(sendNow(element));
    }

    /**
     * Sends an element, waiting at most {@code timeout} for the channel to accept it.
     *
     * @param element the element to send
     * @param timeout how long to wait; zero means do not wait; a duration too long to count in
     *     nanoseconds waits about 73 years
     * @return {@code true} if the element was sent, {@code false} if the timeout passed first
     *     (the element was not sent)
     * @throws InterruptedException if interrupted before the element was accepted
     * @throws ChannelDoneException if the channel is done, or became done while waiting
     * @throws ChannelErrorException if the channel is in error, or failed while waiting
     * @throws NullPointerException if {@code element} or {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public boolean trySend(E element, Duration timeout) throws InterruptedException {
        SchedulingPoints.before("Channel", name, "trySend");
        return sentOrThrow(doSend(element, Durations.toNanosSaturated(timeout)));
    }

    /**
     * Sends an element if the channel can accept it now, and says why not otherwise, without
     * throwing. Never blocks and ignores the interrupt status.
     *
     * <pre>{@code
     * switch (channel.trySendOrClosed(reading)) {
     *     case SendResult.Sent() -> sent++;
     *     case SendResult.Full() -> dropped++;           // no room now: try later, or drop it
     *     case ChannelDone<?>() -> stopProducing();
     *     case ChannelError<?>(var cause) -> throw new IllegalStateException(cause);
     * }
     * }</pre>
     *
     * @param element the element to send
     * @return {@link SendResult.Sent}, {@link SendResult.Full} (no room and no receiver now; not
     *     sent), or the {@link ChannelClosed} that refused it
     * @throws NullPointerException if {@code element} is null
     */
    public SendResult trySendOrClosed(E element) {
        return sendResult(sendNow(element));
    }

    /**
     * Like {@link #trySendOrClosed(Object)}, waiting at most {@code timeout} for room.
     *
     * @param element the element to send
     * @param timeout how long to wait; zero means do not wait; a duration too long to count in
     *     nanoseconds waits about 73 years
     * @return {@link SendResult.Sent}, {@link SendResult.Full} (the timeout passed; not sent), or
     *     the {@link ChannelClosed} that refused it
     * @throws InterruptedException if interrupted before the element was accepted
     * @throws NullPointerException if {@code element} or {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public SendResult trySendOrClosed(E element, Duration timeout) throws InterruptedException {
        return sendResult(doSend(element, Durations.toNanosSaturated(timeout)));
    }

    private Object sendNow(E element) {
        try {
            return doSend(element, 0L);
        } catch (InterruptedException e) {
            throw new AssertionError("a non-blocking send cannot be interrupted", e);
        }
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

    private SendResult sendResult(Object result) {
        if (result == Signal.SENT) {
            return SendResult.Sent.INSTANCE;
        }
        if (result == Signal.EMPTY) {
            return SendResult.Full.INSTANCE;
        }
        return closedResult(result);
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
        @Nullable Object dropped;
        lock();
        try {
            result = offerLocked(element);
            if (result == Signal.EMPTY && timeoutNanos != 0L) {
                waiter = new Node(element);
                spin = spinning && senders.spinEligible();
                senders.add(waiter);
            }
        } finally {
            dropped = unlockAndWake();
        }
        if (waiter == null) {
            if (result == Signal.SENT) {
                reportSent(0L);
            }
            if (dropped != null) {
                undelivered(List.of(dropped)); // the send took effect; a throw from the callback follows it
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
        SchedulingPoints.before("Channel", name, "receive");
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
     * @return the element, or an empty {@code Optional} if none is available now
     * @throws ChannelDoneException if the channel is done and every buffered element was received
     * @throws ChannelErrorException if the channel is in error
     */
    public Optional<E> tryReceive() {
        SchedulingPoints.before("Channel", name, "tryReceive");
        return receivedOrThrow(receiveNow());
    }

    /**
     * Receives an element, waiting at most {@code timeout} for one.
     *
     * @param timeout how long to wait; zero means do not wait; a duration too long to count in
     *     nanoseconds waits about 73 years
     * @return the element, or an empty {@code Optional} if the timeout passed first (nothing was
     *     taken)
     * @throws InterruptedException if interrupted before an element was received
     * @throws ChannelDoneException if the channel is done and every buffered element was received
     * @throws ChannelErrorException if the channel is in error
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public Optional<E> tryReceive(Duration timeout) throws InterruptedException {
        SchedulingPoints.before("Channel", name, "tryReceive");
        return receivedOrThrow(doReceive(Durations.toNanosSaturated(timeout)));
    }

    /**
     * Receives an element if one is available now, and says why not otherwise, without
     * throwing. Never blocks and ignores the interrupt status.
     *
     * <pre>{@code
     * switch (channel.tryReceiveOrClosed()) {
     *     case ChannelResult.Value(var element) -> handle(element);
     *     case ReceiveResult.Empty() -> doSomethingElse();  // nothing now, more may come
     *     case ChannelDone() -> finish();                   // nothing will ever come
     *     case ChannelError(var cause) -> throw new IllegalStateException(cause);
     * }
     * }</pre>
     *
     * @return the element as a {@link ChannelResult.Value}, {@link ReceiveResult.Empty} (none now),
     *     or the {@link ChannelClosed} that says none will come
     */
    public ReceiveResult<E> tryReceiveOrClosed() {
        return receiveResult(receiveNow());
    }

    /**
     * Like {@link #tryReceiveOrClosed()}, waiting at most {@code timeout} for an element.
     *
     * @param timeout how long to wait; zero means do not wait; a duration too long to count in
     *     nanoseconds waits about 73 years
     * @return the element as a {@link ChannelResult.Value}, {@link ReceiveResult.Empty} (the
     *     timeout passed; nothing was taken), or the {@link ChannelClosed}
     * @throws InterruptedException if interrupted before an element was received
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public ReceiveResult<E> tryReceiveOrClosed(Duration timeout) throws InterruptedException {
        return receiveResult(doReceive(Durations.toNanosSaturated(timeout)));
    }

    private Object receiveNow() {
        try {
            return doReceive(0L);
        } catch (InterruptedException e) {
            throw new AssertionError("a non-blocking receive cannot be interrupted", e);
        }
    }

    private Optional<E> receivedOrThrow(Object result) {
        if (result == Signal.EMPTY) {
            return Optional.empty();
        }
        if (result instanceof ChannelClosed<?>) {
            throw closedException(closedResult(result), "receive");
        }
        return Optional.of(element(result));
    }

    private ReceiveResult<E> receiveResult(Object result) {
        if (result == Signal.EMPTY) {
            return ReceiveResult.Empty.instance();
        }
        if (result instanceof ChannelClosed<?>) {
            return closedResult(result);
        }
        return new ChannelResult.Value<>(element(result));
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
                spin = spinning && receivers.spinEligible();
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
        long start = listener != null || timeoutNanos != FOREVER ? TimeSource.nanoTime() : 0L;
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
                telemetry(listener).sent(blocked);
            } else {
                telemetry(listener).received(blocked);
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
     * re-route them, and are passed to the onUndelivered callback, if any (after the channel is
     * in error and every waiter was woken; a {@code Throwable} the callback throws is then thrown
     * here, and the discarded elements are still those the callback saw).
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
        undelivered(discarded); // the channel is in error and everyone is woken: a throw changes nothing
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

    // ------------------------------------------------------------------ several producers

    /**
     * Returns {@code count} producer handles that together close this channel: when the last of
     * them is {@linkplain Producer#close() closed}, the channel is {@linkplain #done() done}. So
     * several producers need no count of their own to know who calls {@code done()}, as Go code
     * does with a {@code sync.WaitGroup}. The number is fixed up front, so the channel cannot
     * be closed while a producer that is still to start has not yet registered.
     *
     * <pre>{@code
     * Channel<Page> pages = Channel.buffered(64, "pages");
     * try (var scope = Scope.open()) {
     *     for (Channel.Producer<Page> producer : pages.producers(sites.size())) {
     *         Site site = sites.removeFirst();
     *         scope.fork(() -> {
     *             try (producer) {                 // the last one to finish closes pages
     *                 for (Page page : site.crawl()) {
     *                     producer.send(page);
     *                 }
     *             }
     *             return null;
     *         });
     *     }
     *     for (Page page : pages) {                // ends when every producer is done
     *         index(page);
     *     }
     *     scope.join();
     * }
     * }</pre>
     *
     * <p>Each call makes a new, independent group. Closing a handle twice has no further effect.
     * A producer that fails can still call {@link #error(Throwable)} on the channel at once; a
     * group's last {@code close()} on a channel already closed has no effect.
     *
     * @param count how many producers share the channel
     * @return {@code count} new open handles, in an unmodifiable list
     * @throws IllegalArgumentException if {@code count} is not positive
     */
    public List<Producer<E>> producers(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("count must be positive: " + count);
        }
        AtomicInteger open = new AtomicInteger(count);
        List<Producer<E>> group = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            group.add(new Producer<>(this, open, i, count));
        }
        return List.copyOf(group);
    }

    /**
     * One of several producers of a channel; see {@link Channel#producers(int)}. It sends to the
     * channel like the channel itself, and its {@link #close()} counts down the group: the last
     * one closes the channel with {@link Channel#done()}. Safe to use from any thread.
     *
     * <pre>{@code
     * try (Channel.Producer<String> producer = producers.get(0)) {
     *     producer.send("hello");
     * }
     * }</pre>
     *
     * @param <E> the element type
     */
    public static final class Producer<E> implements AutoCloseable {
        private final Channel<E> channel;
        private final AtomicInteger open;
        private final int index;
        private final int count;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Producer(Channel<E> channel, AtomicInteger open, int index, int count) {
            this.channel = channel;
            this.open = open;
            this.index = index;
            this.count = count;
        }

        /**
         * Returns the channel this producer sends to.
         *
         * @return the channel
         */
        public Channel<E> channel() {
            return channel;
        }

        /**
         * Sends through {@link Channel#send(Object)}.
         *
         * @param element the element to send
         * @throws InterruptedException if interrupted before the element was accepted
         * @throws IllegalStateException if this producer was closed
         * @throws ChannelDoneException if the channel is done
         * @throws ChannelErrorException if the channel is in error
         * @throws NullPointerException if {@code element} is null
         */
        public void send(E element) throws InterruptedException {
            checkOpen();
            channel.send(element);
        }

        /**
         * Sends through {@link Channel#trySend(Object, Duration)}.
         *
         * @param element the element to send
         * @param timeout how long to wait; zero means do not wait
         * @return {@code true} if sent, {@code false} if the timeout passed first
         * @throws InterruptedException if interrupted before the element was accepted
         * @throws IllegalStateException if this producer was closed
         * @throws ChannelDoneException if the channel is done
         * @throws ChannelErrorException if the channel is in error
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code timeout} is negative
         */
        public boolean trySend(E element, Duration timeout) throws InterruptedException {
            checkOpen();
            return channel.trySend(element, timeout);
        }

        /**
         * Returns whether this handle was closed.
         *
         * @return {@code true} after {@link #close()}
         */
        public boolean isClosed() {
            return closed.get();
        }

        /**
         * Says that this producer sends nothing more; when it is the last of its group to do so,
         * closes the channel with {@link Channel#done()}. Idempotent.
         */
        @Override
        public void close() {
            if (closed.compareAndSet(false, true) && open.decrementAndGet() == 0) {
                channel.done();
            }
        }

        private void checkOpen() {
            if (closed.get()) {
                throw new IllegalStateException(this + " is closed; it may not send any more");
            }
        }

        @Override
        public String toString() {
            return "producer " + index + " of " + count + " of channel '" + channel.name() + "'";
        }
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
        String kind = capacity == 0 ? "rendezvous" : capacity == UNBOUNDED ? "unbounded"
                : "buffered(" + capacity + (overflow == Overflow.BLOCK ? "" : ", " + overflow) + ")";
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

    /**
     * Select phase 1: sends now if possible. Returns SENT, EMPTY, a ChannelClosed, or a
     * {@link Dropped} (sent, and the overflow policy dropped an element for onUndelivered).
     */
    Object selectTrySend(Object element) {
        Object result;
        @Nullable Object dropped;
        lock();
        try {
            result = offerLocked(element);
        } finally {
            dropped = unlockAndWake();
        }
        return dropped == null ? result : new Dropped(dropped);
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
                node.spin = spinning && receivers.spinEligible();
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
     * yields {@link #RESTART}, so that phase 1 reports the closure. An element the overflow
     * policy dropped is left in {@code node.dropped}, for the select to pass to onUndelivered.
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
            if (overflow == Overflow.BLOCK && count >= capacity && (count > 0 || receivers.firstLive() == null)) {
                node.spin = spinning && senders.spinEligible();
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
            node.dropped = unlockAndWake();
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
        if (spinning && Waiter.MULTIPROCESSOR) {
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
        switch (overflow) {
            case BLOCK -> {
                return Signal.EMPTY;
            }
            case DROP_OLDEST -> { // the ring is full (count == items.length): the head slot is the new tail
                Object[] a = items;
                assert count == a.length : count + " != " + a.length;
                int h = head;
                pendingDrop = a[h];
                a[h] = element;
                head = h + 1 == a.length ? 0 : h + 1;
                return Signal.SENT;
            }
            case DROP_LATEST -> {
                pendingDrop = element;
                return Signal.SENT;
            }
        }
        throw new AssertionError(overflow);
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

    /**
     * Releases the lock, then unparks the counterpart this critical section claimed, if any.
     *
     * @return the element the overflow policy dropped in this critical section, or null; the
     *     caller passes it to {@link #undelivered} once its operation has fully taken effect
     */
    private @Nullable Object unlockAndWake() {
        Node woken = pendingWake;
        Object dropped = pendingDrop;
        pendingWake = null;
        pendingDrop = null;
        lock.unlock();
        if (woken != null) {
            woken.wakeOwner();
        }
        return dropped;
    }

    /**
     * Passes elements that will never be delivered to the onUndelivered callback, outside any
     * lock, after the operation that lost them has fully taken effect. Every element is passed
     * even if the callback throws; the first Throwable is then rethrown, later ones suppressed.
     */
    void undelivered(List<?> elements) {
        Consumer<? super E> callback = onUndelivered;
        if (callback == null) {
            return;
        }
        Throwable first = null;
        for (Object e : elements) {
            try {
                callback.accept(element(e));
            } catch (Throwable t) {
                if (first == null) {
                    first = t;
                } else if (first != t) {
                    first.addSuppressed(t);
                }
            }
        }
        if (first != null) {
            throw unchecked(first);
        }
    }

    /** Passes a failed send's element to onUndelivered; a Throwable it throws is suppressed by {@code failure}. */
    private <X extends Exception> X undeliveredOnFailure(E element, X failure) {
        Consumer<? super E> callback = onUndelivered;
        if (callback != null) {
            try {
                callback.accept(element);
            } catch (Throwable t) {
                if (t != failure) {
                    failure.addSuppressed(t);
                }
            }
        }
        return failure;
    }

    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        if (t instanceof RuntimeException r) {
            return r;
        }
        return new UndeclaredThrowableException(t, "onUndelivered threw a checked exception");
    }

    private void reportSent(long blockedNanos) {
        TelemetryListener listener = Telemetry.listener();
        if (listener != null) {
            telemetry(listener).sent(blockedNanos);
        }
    }

    private void reportReceived(long blockedNanos) {
        TelemetryListener listener = Telemetry.listener();
        if (listener != null) {
            telemetry(listener).received(blockedNanos);
        }
    }

    /**
     * This channel's events as bound by {@code listener}: bound at the first event after the
     * listener set changed, then one plain read and an identity check per event.
     */
    ChannelTelemetry telemetry(TelemetryListener listener) {
        Bound<ChannelTelemetry> b = bound;
        if (b != null && b.listener == listener) {
            return b.handle;
        }
        ChannelTelemetry handle = listener.bindChannel(name);
        bound = new Bound<>(listener, handle);
        return handle;
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
        String who = " by " + Threads.current();
        return switch (c) {
            case ChannelDone<?> d -> new ChannelDoneException(what + who
                    + " failed: the channel is done (done() was called)" + doneDetail);
            case ChannelError<?>(Throwable cause) -> new ChannelErrorException(what + who
                    + " failed: the channel is in error: " + cause, cause);
        };
    }

    /** The absolute deadline for a wait that started at {@code start}; MAX_VALUE for none. */
    static long deadline(long start, long timeoutNanos) {
        if (timeoutNanos == FOREVER) {
            return Long.MAX_VALUE;
        }
        return Durations.deadline(start, timeoutNanos); // at most MAX_NANOS ahead: never MAX_VALUE
    }

    /** Internal results that are neither elements nor closures. */
    enum Signal {
        /** The element was accepted. */
        SENT,
        /** Nothing happened: no element to receive, no room to send, or the timeout passed. */
        EMPTY
    }

    /** Select phase 1: sent, and the overflow policy dropped {@code element} for onUndelivered. */
    record Dropped(Object element) {}
}
