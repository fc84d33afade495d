package dev.fearless.handle;

import dev.fearless.internal.Names;
import dev.fearless.internal.Threads;
import dev.fearless.telemetry.Telemetry;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A value with exactly one owner thread at a time: the counterpart of Rust's move semantics for
 * {@code Send} values. Only the owner may use the handle ({@link WrongThreadException}
 * otherwise, the idiom of the JDK's confined arenas). {@link #move()} hands the value over: it
 * kills this handle and returns a {@link Moved} that the receiving thread turns into its own
 * handle with {@link Moved#receive()}. Any later use of the dead handle throws
 * {@link MovedException}, which names the thread that moved the value, the thread that received
 * it, and has the stack of the move as its cause.
 *
 * <pre>{@code
 * Owned<List<Integer>> v = Owned.of(new ArrayList<>(List.of(1, 2, 3)));
 * Owned.Moved<List<Integer>> moved = v.move();
 * Thread.ofVirtual().start(() -> {
 *     Owned<List<Integer>> mine = moved.receive();      // this thread owns it now
 *     mine.get().add(4);
 * });
 * v.get();                                              // throws MovedException
 *
 * try (var scope = Scope.open()) {                      // into a scope task
 *     Task<Integer> size = scope.fork(batch.moveInto(mine -> mine.get().size()));
 *     scope.join();
 * }
 * }</pre>
 *
 * <p>A value moved but never received is reported as a leak ({@link Diagnostics}) once its
 * {@code Moved} becomes unreachable. The handle cannot stop the owner from letting a reference to
 * the value escape; it makes the hand-over explicit and checks that the old side stops using it.
 *
 * <p>Memory consistency effects: actions of the moving thread prior to {@link #move()}
 * happen-before actions of the receiving thread after {@link Moved#receive()} returns.
 *
 * @param <T> the value type
 */
public final class Owned<T extends @Nullable Object> {

    /*
     * Implementation overview: a handle is bound to one thread for life (`owner` is final);
     * moving creates a Moved token and, on receipt, a new handle for the receiver. `value` is
     * touched only by the owner. `moved` is volatile so that isMoved() and toString() may be
     * called from anywhere; the owner writes it once. The token's slot is claimed with one
     * getAndSet, which both makes receipt exactly-once and carries the value's happens-before
     * edge from mover to receiver.
     */

    private final Thread owner;
    private final String name;
    private final String handle;
    private T value;
    private volatile @Nullable Moved<T> moved;

    private Owned(String name, T value, Thread owner) {
        this.owner = owner;
        this.name = name;
        this.handle = "Owned '" + name + "'";
        this.value = value;
    }

    /**
     * Creates an unnamed handle owned by the calling thread.
     *
     * @param value the value
     * @param <T> the value type
     * @return the handle
     */
    public static <T extends @Nullable Object> Owned<T> of(T value) {
        return new Owned<>(Telemetry.DEFAULT_NAME, value, Thread.currentThread());
    }

    /**
     * Creates a named handle owned by the calling thread; the name appears in messages and leak
     * telemetry.
     *
     * @param name the name
     * @param value the value
     * @param <T> the value type
     * @return the handle
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static <T extends @Nullable Object> Owned<T> of(String name, T value) {
        return new Owned<>(Names.requireValid(name), value, Thread.currentThread());
    }

    /**
     * Returns the value.
     *
     * @return the value
     * @throws WrongThreadException if the calling thread is not the owner
     * @throws MovedException if the value was moved out of this handle
     */
    public T get() {
        check("get()");
        return value;
    }

    /**
     * Replaces the value.
     *
     * @param value the new value
     * @throws WrongThreadException if the calling thread is not the owner
     * @throws MovedException if the value was moved out of this handle
     */
    public void set(T value) {
        check("set()");
        this.value = value;
    }

    /**
     * Moves the value out: this handle dies, and the returned {@link Moved} gives the value to
     * whichever thread calls {@link Moved#receive()} first. Records the calling stack (a few
     * microseconds) so that later misuse can say where the move happened.
     *
     * @return the value in transit
     * @throws WrongThreadException if the calling thread is not the owner
     * @throws MovedException if the value was already moved out of this handle
     */
    public Moved<T> move() {
        check("move()");
        Moved<T> transit = new Moved<>(name, handle, value, Sites.capture("moved out of " + handle));
        moved = transit;
        value = null;
        return transit;
    }

    /**
     * Moves the value out (as {@link #move()}, now) and returns a task that receives it on the
     * thread that runs the task and applies {@code task} to the receiver's handle. Made for
     * {@code Scope.fork} and executors: {@code scope.fork(batch.moveInto(mine -> process(mine.get())))}.
     * The returned task may run once; a second run throws {@link MovedException}.
     *
     * @param task what the receiving thread does with its handle
     * @param <R> the result type
     * @return a task to fork or submit
     * @throws NullPointerException if {@code task} is null
     * @throws WrongThreadException if the calling thread is not the owner
     * @throws MovedException if the value was already moved out of this handle
     */
    public <R extends @Nullable Object> Callable<R> moveInto(Function<? super Owned<T>, ? extends R> task) {
        Objects.requireNonNull(task, "task");
        Moved<T> transit = move();
        return () -> task.apply(transit.receive());
    }

    /**
     * Returns the thread that owns this handle.
     *
     * @return the owner
     */
    public Thread owner() {
        return owner;
    }

    /**
     * Returns whether the value was moved out of this handle (the handle is dead). May be called
     * from any thread.
     *
     * @return {@code true} after {@link #move()}
     */
    public boolean isMoved() {
        return moved != null;
    }

    /**
     * Describes the handle, never the value, such as {@code Owned['batch', owner "main" (#1)]}.
     *
     * @return a description for logs
     */
    @Override
    public String toString() {
        return "Owned['" + name + "', owner " + Threads.describe(owner) + (moved != null ? ", moved]" : "]");
    }

    private void check(String operation) {
        if (Thread.currentThread() != owner) {
            throw Sites.wrongThread(operation + " on " + handle, owner);
        }
        Moved<T> transit = moved;
        if (transit != null) {
            throw transit.usedAfterMove(operation);
        }
    }

    /**
     * A value in transit between two owners, returned by {@link Owned#move()}: give it to
     * another thread (capture it in the task, send it on a channel), where {@link #receive()}
     * makes that thread the owner. It can be received once.
     *
     * <pre>{@code
     * Owned.Moved<Order> moved = order.move();
     * channel.send(moved);
     * // on the consumer's thread:
     * Owned<Order> mine = channel.receive().receive();
     * }</pre>
     *
     * <p>Memory consistency effects: actions of the moving thread prior to {@link Owned#move()}
     * happen-before actions of the receiving thread after {@link #receive()} returns.
     *
     * @param <T> the value type
     */
    public static final class Moved<T extends @Nullable Object> {

        private static final Object TAKEN = new Object();
        private static final Object NULL = new Object();
        private static final VarHandle SLOT;

        static {
            try {
                SLOT = MethodHandles.lookup().findVarHandle(Moved.class, "slot", Object.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final String name;
        private final String handle;
        private final Sites.Site site;
        private final Leaks.@Nullable Tracker tracker;
        /** The value (NULL for null) until received, then TAKEN. */
        private volatile Object slot;
        private volatile @Nullable Thread receiver;

        private Moved(String name, String handle, T value, Sites.Site site) {
            this.name = name;
            this.handle = handle;
            this.site = site;
            this.slot = value == null ? NULL : value;
            this.tracker = Leaks.move(this, name, handle, site);
        }

        /**
         * Makes the calling thread the owner of the value and returns its handle.
         *
         * @return a new handle owned by the calling thread
         * @throws MovedException if the value was already received
         */
        @SuppressWarnings("unchecked")
        public Owned<T> receive() {
            Object value = SLOT.getAndSet(this, TAKEN);
            if (value == TAKEN) {
                Thread first = receiver;
                throw new MovedException("receive() of the value moved out of " + handle + " by "
                        + Threads.current() + ": it was already received by "
                        + (first == null ? "another thread" : Threads.describe(first))
                        + "; a moved value has one new owner (the cause shows where it was moved)", site);
            }
            receiver = Thread.currentThread();
            if (tracker != null) {
                tracker.done();
            }
            return new Owned<>(name, value == NULL ? (T) null : (T) value, Thread.currentThread());
        }

        /**
         * Returns whether the value has been received.
         *
         * @return {@code true} once {@link #receive()} succeeded
         */
        public boolean isReceived() {
            return slot == TAKEN;
        }

        /**
         * Describes the move, never the value.
         *
         * @return a description for logs
         */
        @Override
        public String toString() {
            Thread first = receiver;
            return "Moved[" + handle + (first != null ? ", received by " + Threads.describe(first) + "]"
                    : slot == TAKEN ? ", received]" : ", in transit]");
        }

        MovedException usedAfterMove(String operation) {
            Thread first = receiver;
            return new MovedException(operation + " on " + handle + " by " + Threads.current()
                    + " after its value was moved out (the cause shows where), "
                    + (first != null ? "and received by " + Threads.describe(first)
                            : slot == TAKEN ? "and received" : "not received yet")
                    + ": the old handle is dead; use the handle the receiver got from Moved.receive()", site);
        }
    }
}
