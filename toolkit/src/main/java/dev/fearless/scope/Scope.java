package dev.fearless.scope;

import static dev.fearless.internal.Threads.describe;

import dev.fearless.context.ContextPropagation;
import dev.fearless.context.ContextPropagator;
import dev.fearless.internal.Durations;
import dev.fearless.internal.Names;
import dev.fearless.internal.SchedulingPoints;
import dev.fearless.internal.TimeSource;
import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import dev.fearless.tracking.Tracking;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * A structured task scope: it owns the threads forked in it, cannot be closed before every one of
 * them has terminated, and lets a {@link Policy} decide when it is done and what {@link #join()}
 * returns.
 *
 * <pre>{@code
 * Page page(String id) throws InterruptedException {
 *     try (var scope = Scope.open()) {                  // all must succeed; first failure cancels the rest
 *         Task<User> user = scope.fork(() -> users.find(id));
 *         Task<List<Order>> orders = scope.fork(() -> orderDb.ordersOf(id));
 *         scope.join();                                 // throws ScopeFailedException on the first failure
 *         return new Page(user.get(), orders.get());
 *     }
 * }
 *
 * Quote best = Scope.race(() -> quoteA(), () -> quoteB()); // first success wins, losers are cancelled
 * }</pre>
 *
 * <h2>Life cycle</h2>
 * The thread that opens a scope is its <em>owner</em>. The owner {@linkplain #fork(Callable) forks}
 * tasks, each on a new thread from the scope's {@link ThreadFactory} (virtual threads by default),
 * then calls {@link #join()} once, which waits until every task has terminated (cancelling the rest
 * when the policy says the scope is done, or when the deadline passes) and returns the policy's
 * result. Finally the owner closes the scope, normally through try-with-resources.
 * <ul>
 *   <li><b>Policies.</b> {@link Policy#allSuccessful()} (the default of {@link #open()}),
 *       {@link Policy#firstSuccess()}, {@link Policy#awaitAll()}, {@link Policy#until} or your own.</li>
 *   <li><b>Failure.</b> Under the built-in policies {@code join()} throws one
 *       {@link ScopeFailedException}: the cause is the first failure, the other failures are
 *       suppressed in it.</li>
 *   <li><b>Deadline.</b> With {@link Builder#timeout(Duration)} or {@link Builder#deadline(Instant)},
 *       everything still running when the deadline passes is cancelled (whether or not the owner is
 *       in {@code join()} yet), and {@code join()} throws {@link ScopeTimeoutException} or returns the
 *       policy's partial result ({@link Policy#onTimeout}).</li>
 *   <li><b>Background tasks and timers.</b> {@link #forkDaemon(Callable)} forks a task that
 *       {@code join()} does not wait for but cancels once the other tasks have ended (a
 *       heartbeat, a progress reporter); {@link #scheduleAtFixedRate} and
 *       {@link #scheduleWithFixedDelay} are periodic daemons, {@link #schedule(Duration, Callable)}
 *       an ordinary task that starts after a delay. Each timer is one sleeping thread of the
 *       scope (virtual by default), never a scheduler thread, and stops with the scope.</li>
 *   <li><b>Limits.</b> {@link Builder#maxConcurrency(int, WhenFull)} bounds how many task bodies run
 *       at once: a fork beyond it waits for a permit on its own thread, or is rejected.
 *       {@link Task#join()} waits for one task, {@link #raceResult(Callable[])} for the first to
 *       finish.</li>
 *   <li><b>Cancellation.</b> {@link #cancel()} cancels the scope, {@link Task#cancel()} one task.
 *       Cancelling a task interrupts its thread and runs its
 *       {@linkplain Task#onCancel(Runnable) cancel hooks} (for blocking calls that ignore
 *       interrupts). Both are idempotent and never throw. After {@code cancel()}, {@code join()}
 *       waits for the tasks to terminate and throws {@link ScopeCancelledException}, unless the
 *       policy had already decided before the cancellation. Interrupting the owner while it is in
 *       {@code join()} makes {@code join()} throw {@link InterruptedException} without cancelling
 *       anything; {@code join()} may be called again, and {@code close()} cancels.</li>
 * </ul>
 *
 * <h2>Structure rules</h2>
 * Every rule is checked; a breach throws at once and the message names the offending thread.
 * <ul>
 *   <li>Only the owner may {@code join()} and {@code close()}: any other thread gets a
 *       {@link WrongThreadException}.</li>
 *   <li>The owner <em>and the tasks running in this scope</em> may fork (a crawler's tasks fork the
 *       next pages into the same scope); any other thread gets a {@link WrongThreadException}. Any
 *       thread may {@code cancel()}.</li>
 *   <li>Forking after {@code join()} returned or after {@code close()} throws
 *       {@link ScopeClosedException}. Forking into a scope that is cancelled but still open returns a
 *       task that is already {@link Task.State#CANCELLED} and never runs; the thread factory is not
 *       called for it.</li>
 *   <li>The {@link ThreadFactory} must return a new, unstarted thread: a thread that is not
 *       {@link Thread.State#NEW} is refused with {@link RejectedExecutionException} and the scope is
 *       left as it was (the task is not forked, and never runs on that thread).</li>
 *   <li>Scopes opened by one thread nest: closing a scope while scopes opened after it by the same
 *       thread are still open closes those first (innermost first) and then throws
 *       {@link StructureViolationException}; so does a task that ends without closing a scope it
 *       opened (the task then fails with it).</li>
 *   <li>{@code close()} without a completed {@code join()} cancels the tasks still running, waits for
 *       every thread to terminate, and then throws {@link IllegalStateException} to report the skipped
 *       join, as the JDK's scope does. It does not throw when the scope was {@link #cancel()}led (an
 *       explicit request to abandon the tasks), or when {@code join()} was interrupted.</li>
 * </ul>
 *
 * <h2>No orphans</h2>
 * When {@code close()} returns, every thread forked in the scope (daemons and timers included) has
 * terminated: it waits even when the owner is interrupted (the interrupt status is restored afterwards), and a task that throws an
 * {@link Error} is a failed task like any other. A task that ignores interrupts, and has no cancel
 * hook to unblock it, delays {@code close()} until it ends.
 *
 * <h2>Context</h2>
 * Each fork captures the forking thread's context through the scope's {@link ContextPropagation}
 * ({@link ContextPropagation#defaults()}: the slf4j MDC and service-loaded propagators) and installs
 * it around the task. {@link ScopedValue}s are carried when registered:
 * {@code .context(ContextPropagation.defaults().with(ContextPropagator.scopedValues(USER)))}.
 * Threads of a named scope carry its name; threads of an unnamed scope are unnamed (naming costs).
 *
 * <h2>Telemetry</h2>
 * Scopes report {@code scopeOpened}, {@code scopeClosed}, {@code taskForked} and {@code taskFinished}
 * to {@link Telemetry#listener()} under their name (or {@link Telemetry#DEFAULT_NAME}); with no
 * listener registered nothing is timed.
 *
 * <h2>Memory consistency effects</h2>
 * Actions in a thread prior to forking a task happen-before the task begins. Actions in a task
 * happen-before {@code join()} returns or throws, and before {@code close()} returns. Actions prior
 * to {@link #cancel()} or {@link Task#cancel()} happen-before the cancel hooks that call runs.
 *
 * @param <T> the result type of the tasks, as seen by the policy
 * @param <R> the type {@link #join()} returns
 */
public final class Scope<T extends @Nullable Object, R extends @Nullable Object> implements AutoCloseable {

    /*
     * Implementation overview.
     *
     * State word. All coordination goes through one long, `state`, updated by CAS / getAndAdd:
     *
     *   bits 0-39   live     forks accepted and not yet terminated (incremented before the thread
     *                        starts, decremented as the very last action of the task's thread)
     *   bit 40      WAITING  the owner is parked (or about to park) waiting for live == 0
     *   bit 41      JOINED   join() completed; no more forks
     *   bit 42      CLOSED   close() began; no more forks
     *   bits 43-45  reason   why the scope was cancelled; 0 = not cancelled (set once, first wins)
     *   bit 46      STOPPING join() saw no non-daemon task live and is stopping the daemons; from
     *                        here on forks are refused quietly and cancel() does nothing
     *   bits 47-63  daemons  the live tasks (counted in `live` too) that are daemons
     *
     * Fork = one CAS (live + 1) that fails when JOINED or CLOSED is set, so a fork either is counted
     * before close() sets CLOSED, and close() then waits for it, or sees CLOSED and throws: a fork
     * from a child task racing with close() can never leak a thread. No lock is taken per fork; the
     * only allocations are the ScopeTask, the thread, the captured context (nothing when there is
     * nothing to carry) and the ScopedValue binding of the running task (Task.current(), and the
     * "is this thread a task of this scope" check of fork()).
     *
     * Wake-ups. A terminating task does getAndAdd(-1) and unparks the owner only if it took live
     * from 1 to 0 while WAITING was set. The owner sets WAITING by CAS only while live > 0 and parks
     * afterwards; if the last task ends first, that CAS fails and the owner re-reads live == 0, so no
     * wake-up is lost, and no task pays for an unpark unless the owner is really waiting.
     *
     * Daemons. live counts every task, daemons included, so close() and the no-orphans guarantee
     * are unchanged; `daemons` counts the daemon subset, so live - daemons (the tasks join waits
     * for) is read from the same word. join() waits for live - daemons == 0, then CASes STOPPING
     * into a word where that still holds: a fork of a non-daemon task (by a daemon) either came
     * first, and the CAS fails and join waits again, or sees STOPPING in its own accept CAS and
     * returns a cancelled task. join() then cancels the daemons on the list (a daemon accepted
     * before STOPPING but pushed after the walk sees STOPPING when it re-reads the word after its
     * push, as with the reason) and waits for live == 0 without the deadline. A terminating task
     * unparks a WAITING owner when it takes live to 0 or, being a non-daemon, takes live - daemons
     * to 0; the owner re-checks its own condition after every wake-up, so an unpark meant for the
     * other phase is only a spurious one. cancel() is a no-op once STOPPING is set: join already
     * decided, so a deadline or cancel arriving while the daemons exit cannot turn the policy's
     * verdict into a timeout or a cancellation.
     *
     * Task list. Cancellation must reach every running task, so accepted tasks are pushed on an
     * intrusive Treiber stack (`head`, ScopeTask.next): one CAS, no node allocation. The fork that
     * pushed a task re-reads the reason afterwards and cancels its own task if it is set: together
     * with cancel() setting the reason before walking the list (Dekker-style, both sides volatile),
     * either the walker sees the task or the forker sees the reason. Tasks whose thread is
     * TERMINATED are unlinked by an amortised sweep run by a forking thread when forks since the
     * last sweep exceed the tasks that were still running then (at least 64), so a long-lived scope
     * retains O(running) ended tasks. One sweeper at a time (`sweeping`); it only rewrites `next` of
     * nodes it keeps, and an unlinked node's `next` never changes, so concurrent cancel walks still
     * reach every running task. close() drops the list once every task has terminated.
     *
     * Thread exit. live reaches 0 when every task's Runnable has returned; its thread may still be
     * exiting. Once no fork can happen any more (JOINED or CLOSED), join()/close() walk the list and
     * Thread.join() the threads still alive (only those not yet swept, which are exactly the ones
     * that may still be alive), so when they return no forked thread is alive.
     *
     * Cancellation. cancel(reason) CASes the reason in (no-op once set, or once JOINED), then walks
     * the list calling ScopeTask.cancel0 (state CAS, interrupt, hooks). join() sets JOINED with the
     * same word, so "did the deadline/cancel happen before join completed" is decided by one CAS.
     * The deadline is enforced by the owner while it waits in join() (parkNanos) and, for an owner
     * that is elsewhere, by one deadline thread of the scope's own factory (so a test's factory
     * sees it), parked until the deadline or until close() unparks and joins it. Both read and
     * wait through TimeSource, so a schedule explorer can run them on virtual time.
     *
     * Limit. maxConcurrency is a fair Semaphore. A REJECT fork takes its permit with tryAcquire before
     * calling the factory (given back on every path that does not start the thread); a WAIT task
     * takes it on its own thread before the body (ScopeTask#awaitPermit), so fork never blocks and
     * tasks forking into their own limited scope cannot deadlock. The task gives the permit back when
     * its body has ended, before its state is final, so a Task.join() caller can fork at once.
     *
     * Nesting. Each thread's innermost open scope is kept in the running ScopeTask (for task
     * threads) or a ThreadLocal (other threads); each scope remembers the one enclosing it, which
     * gives the per-thread stack that close() checks. open() reports scopeOpened (user code) before
     * the new scope becomes the thread's innermost, so a listener that throws leaves no trace.
     */

    private static final long LIVE_MASK = (1L << 40) - 1;
    private static final long WAITING = 1L << 40;
    private static final long JOINED = 1L << 41;
    private static final long CLOSED = 1L << 42;
    private static final int REASON_SHIFT = 43;
    private static final long REASON_MASK = 7L << REASON_SHIFT;
    private static final long STOPPING = 1L << 46;
    private static final int DAEMON_SHIFT = 47;
    private static final long DAEMON_ONE = 1L << DAEMON_SHIFT;
    private static final long MAX_DAEMONS = (1L << (64 - DAEMON_SHIFT)) - 1;

    private static final int BY_POLICY = 1;
    private static final int BY_CANCEL = 2;
    private static final int BY_DEADLINE = 3;
    private static final int BY_CLOSE = 4;
    private static final int BY_POLICY_ERROR = 5;

    private static final int SWEEP_MIN = 64;

    private static final ThreadFactory UNNAMED_VIRTUAL = Thread.ofVirtual().factory();
    private static final ThreadLocal<@Nullable Scope<?, ?>> INNERMOST = new ThreadLocal<>();

    private static final VarHandle STATE;
    private static final VarHandle HEAD;
    private static final VarHandle NEXT;
    private static final VarHandle SWEEPING;
    private static final VarHandle POLICY_ERROR;
    private static final VarHandle WAITING_COUNT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(Scope.class, "state", long.class);
            HEAD = lookup.findVarHandle(Scope.class, "head", ScopeTask.class);
            SWEEPING = lookup.findVarHandle(Scope.class, "sweeping", int.class);
            POLICY_ERROR = lookup.findVarHandle(Scope.class, "policyError", Throwable.class);
            WAITING_COUNT = lookup.findVarHandle(Scope.class, "waiting", int.class);
            NEXT = lookup.findVarHandle(ScopeTask.class, "next", ScopeTask.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Thread owner;
    private final Policy<T, R> policy;
    private final ThreadFactory threadFactory;
    private final ContextPropagation propagation;
    private final @Nullable String name;
    private final String telemetryName;
    private final @Nullable Scope<?, ?> enclosing;
    private final boolean hasDeadline;
    private final long deadlineNanos;
    private final @Nullable String deadlineText;
    private final long openNanos;                     // 0 when no listener was present at open
    /** maxConcurrency's permits, held by running non-daemon tasks; null without a limit. */
    final @Nullable Semaphore permits;
    private final int maxConcurrency;
    private final boolean rejectWhenFull;

    private volatile long state;
    private volatile @Nullable ScopeTask<?> head;
    private volatile int sweeping;
    private int forksSinceSweep;                      // racy heuristic counters: benign
    private int sweepThreshold = SWEEP_MIN;
    private volatile @Nullable Throwable policyError;
    /** This scope's entry in the structure registry, while tracking was enabled at open. */
    private volatile @Nullable View tracked;
    private volatile @Nullable Thread cancelledBy;    // first explicit canceller, for messages
    private volatile int waiting;                     // tasks parked for a permit of maxConcurrency

    // owner-only fields
    /** Enforces the deadline while the owner is not in join(); set once it was checked unstarted. */
    private volatile @Nullable Thread deadlineThread;
    private boolean joinInterrupted;
    private boolean ownerForked;
    private boolean threadsJoined;
    private Outcome joinOutcome = Outcome.CANCELLED;

    private Scope(Builder<T, R> builder, Policy<T, R> policy) {
        this.owner = Thread.currentThread();
        this.policy = policy;
        this.name = builder.name;
        this.telemetryName = Telemetry.nameOrDefault(builder.name);
        ThreadFactory factory = builder.threadFactory;
        if (factory == null) {
            factory = name == null ? UNNAMED_VIRTUAL : Thread.ofVirtual().name(name).factory();
        }
        this.threadFactory = factory;
        this.propagation = builder.context;
        this.maxConcurrency = builder.maxConcurrency;
        this.rejectWhenFull = builder.whenFull == WhenFull.REJECT;
        this.permits = builder.maxConcurrency == 0 ? null : new Semaphore(builder.maxConcurrency, true);
        TelemetryListener listener = Telemetry.listener();
        long now = builder.timeout != null || builder.deadline != null || listener != null ? TimeSource.nanoTime() : 0L;
        this.openNanos = listener != null ? now : 0L;
        if (builder.timeout != null) {
            hasDeadline = true;
            deadlineNanos = Durations.deadline(now, Durations.toNanosSaturated(builder.timeout));
            deadlineText = "timeout " + builder.timeout;
        } else if (builder.deadline != null) {
            hasDeadline = true;
            deadlineNanos = now + Durations.clampNanos(Duration.between(TimeSource.now(), builder.deadline));
            deadlineText = "deadline " + builder.deadline;
        } else {
            hasDeadline = false;
            deadlineNanos = 0L;
            deadlineText = null;
        }
        if (policy instanceof Policies.BuiltIn<?, ?> builtIn) {
            builtIn.bind(this);
        }
        this.enclosing = innermost();
    }

    private static <T extends @Nullable Object, R extends @Nullable Object> Scope<T, R> open(
            Builder<T, R> builder, Policy<T, R> policy) {
        Scope<T, R> scope = new Scope<>(builder, policy);
        Thread deadline = null;
        if (scope.hasDeadline && scope.deadlineNanos - TimeSource.nanoTime() > 0) { // none for an expired one
            try {                                    // user code (the factory): before anything else happens
                deadline = scope.newDeadlineThread();
            } catch (Throwable failure) {
                if (policy instanceof Policies.BuiltIn<?, ?> builtIn) {
                    builtIn.unbind(scope);
                }
                throw failure;
            }
        }
        TelemetryListener listener = Telemetry.listener();
        if (listener != null) {
            try {                                    // user code: before the scope is reachable from anywhere
                listener.scopeOpened(scope.telemetryName);
            } catch (Throwable failure) {
                if (policy instanceof Policies.BuiltIn<?, ?> builtIn) {
                    builtIn.unbind(scope);           // the policy instance may serve the caller's next try
                }
                throw failure;
            }
        }
        setInnermost(scope);
        if (Tracking.enabled()) {
            View view = new View(scope, System.nanoTime());
            scope.tracked = view;
            Tracking.opened(view);
        }
        if (scope.hasDeadline) {
            long remaining = scope.deadlineNanos - TimeSource.nanoTime();
            if (remaining <= 0 || deadline == null) {
                scope.deadlineThread = null;         // never started
                scope.cancel(BY_DEADLINE);
            } else {
                try {
                    deadline.start();
                } catch (Throwable failure) {   // no thread (OutOfMemoryError): open fails, nothing stays open
                    scope.deadlineThread = null;
                    scope.closeQuietly();
                    throw failure;
                }
            }
        }
        return scope;
    }

    /**
     * Opens an unnamed scope owned by the calling thread, with the default policy
     * {@link Policy#allSuccessful()}: all tasks must succeed, the first failure cancels the rest.
     * Tasks run on new unnamed virtual threads with {@link ContextPropagation#defaults()}.
     *
     * <pre>{@code
     * try (var scope = Scope.open()) {
     *     Task<Integer> a = scope.fork(() -> compute(1));
     *     Task<Integer> b = scope.fork(() -> compute(2));
     *     scope.join();
     *     return a.get() + b.get();
     * }
     * }</pre>
     *
     * @return the open scope; close it on this thread
     */
    public static Scope<Object, @Nullable Void> open() {
        Builder<Object, @Nullable Void> builder = new Builder<>();
        return open(builder, Policy.allSuccessful());
    }

    /**
     * Opens an unnamed scope owned by the calling thread, governed by {@code policy}.
     *
     * <pre>{@code
     * try (var scope = Scope.open(Policy.<Quote>firstSuccess())) {
     *     scope.fork(() -> quoteA());
     *     scope.fork(() -> quoteB());
     *     Quote first = scope.join();
     * }
     * }</pre>
     *
     * @param policy a fresh policy instance for this scope
     * @param <T> the result type of the tasks
     * @param <R> the type {@link #join()} returns
     * @return the open scope; close it on this thread
     * @throws NullPointerException if {@code policy} is null
     * @throws IllegalStateException if {@code policy} is a built-in instance already used by another scope
     */
    public static <T extends @Nullable Object, R extends @Nullable Object> Scope<T, R> open(Policy<T, R> policy) {
        Objects.requireNonNull(policy, "policy");
        return open(new Builder<>(), policy);
    }

    /**
     * Returns a builder for a scope with a name, a policy, a deadline, a thread factory or a
     * context propagation other than the defaults.
     *
     * <pre>{@code
     * try (var scope = Scope.builder()
     *         .name("checkout")
     *         .policy(Policy.<Quote>firstSuccess())
     *         .timeout(Duration.ofMillis(300))
     *         .open()) {
     *     scope.fork(() -> quoteA());
     *     Quote quote = scope.join();
     * }
     * }</pre>
     *
     * @return a new builder with the default policy {@link Policy#allSuccessful()}
     */
    public static Builder<Object, @Nullable Void> builder() {
        return new Builder<>();
    }

    // ------------------------------------------------------------------ forking

    /**
     * Forks {@code task} on a new thread of this scope and returns its handle. Callable from the
     * owner and from tasks running in this scope.
     *
     * <p>If the scope is cancelled (but not closed) the task is not started and the returned handle
     * is already {@link Task.State#CANCELLED}.
     *
     * @param task the work to run
     * @param <U> the task's result type
     * @return the task's handle
     * @throws NullPointerException if {@code task} is null
     * @throws WrongThreadException if the calling thread is neither the owner nor a task of this scope
     * @throws ScopeClosedException if the scope is closed or already joined
     * @throws RejectedExecutionException if the thread factory returned null or a started thread, or
     *     every permit of {@link Builder#maxConcurrency(int, WhenFull)} is held under
     *     {@link WhenFull#REJECT}
     */
    public <U extends T> Task<U> fork(Callable<? extends U> task) {
        SchedulingPoints.before("Scope", telemetryName, "fork");
        Objects.requireNonNull(task, "task");
        return forkBody(task, false);
    }

    /**
     * Forks {@code task} on a new thread of this scope; the task's result is {@code null}. Same
     * rules as {@link #fork(Callable)}. A lambda that throws a checked exception is a
     * {@code Callable}: return {@code null} from it.
     *
     * @param task the work to run
     * @return the task's handle
     * @throws NullPointerException if {@code task} is null
     * @throws WrongThreadException if the calling thread is neither the owner nor a task of this scope
     * @throws ScopeClosedException if the scope is closed or already joined
     * @throws RejectedExecutionException if the thread factory returned null or a started thread, or
     *     every permit of {@link Builder#maxConcurrency(int, WhenFull)} is held under
     *     {@link WhenFull#REJECT}
     */
    public Task<T> fork(Runnable task) {
        Objects.requireNonNull(task, "task");
        return forkBody(task, false);
    }

    /**
     * Forks {@code task} as a <em>daemon</em>: a background task of this scope that {@link #join()}
     * does not wait for. Once every other task has ended (or the policy decided, the deadline
     * passed, or the scope was cancelled), {@code join()} cancels the daemons still running and
     * waits for their threads to terminate before it returns or throws; {@link #close()} does the
     * same, so no daemon thread outlives the scope. Same structure rules as {@link #fork(Callable)}:
     * the owner and the tasks of this scope may fork daemons, and not after {@code join()} returned
     * or after {@code close()}.
     *
     * <p>The policy sees a daemon like any other task: {@link Policy#onFork} and
     * {@link Policy#onComplete} are called for it, so a daemon that fails fails the scope under
     * {@link Policy#allSuccessful()}, and a daemon that returns a value can win
     * {@link Policy#firstSuccess()}. A daemon that {@code join()} cancels reaches
     * {@code onComplete} as {@link Task.State#CANCELLED}, which no built-in policy counts as a
     * failure ({@link Policy#awaitAll()} lists it among the tasks). A task forked (by a daemon)
     * while {@code join()} is stopping the daemons is returned already {@code CANCELLED}.
     *
     * <pre>{@code
     * try (var scope = Scope.open()) {
     *     scope.forkDaemon(() -> progress.report());      // runs until the real work is done
     *     Task<Report> report = scope.fork(() -> build());
     *     scope.join();                                   // waits for build(), then cancels the daemon
     *     return report.get();
     * }
     * }</pre>
     *
     * @param task the background work
     * @param <U> the task's result type
     * @return the task's handle
     * @throws NullPointerException if {@code task} is null
     * @throws WrongThreadException if the calling thread is neither the owner nor a task of this scope
     * @throws ScopeClosedException if the scope is closed or already joined
     * @throws RejectedExecutionException if the thread factory returned null or a started thread, or
     *     131,071 daemons are already running
     */
    public <U extends T> Task<U> forkDaemon(Callable<? extends U> task) {
        Objects.requireNonNull(task, "task");
        return forkBody(task, true);
    }

    /**
     * Forks {@code task} as a daemon; its result is {@code null}. See {@link #forkDaemon(Callable)}.
     *
     * <pre>{@code
     * scope.forkDaemon(() -> {
     *     while (!Thread.currentThread().isInterrupted()) {
     *         metrics.record(queue.size());
     *         LockSupport.parkNanos(1_000_000_000L);      // ends when join() or close() cancels it
     *     }
     * });
     * }</pre>
     *
     * @param task the background work
     * @return the task's handle
     * @throws NullPointerException if {@code task} is null
     * @throws WrongThreadException if the calling thread is neither the owner nor a task of this scope
     * @throws ScopeClosedException if the scope is closed or already joined
     * @throws RejectedExecutionException if the thread factory returned null or a started thread, or
     *     too many daemons are running
     */
    public Task<T> forkDaemon(Runnable task) {
        Objects.requireNonNull(task, "task");
        return forkBody(task, true);
    }

    // ------------------------------------------------------------------ timers

    /**
     * Forks {@code task} to run once after {@code delay}: an ordinary task of this scope (not a
     * daemon) whose thread first sleeps, so {@link #join()} waits for it. Cancelling it, or the
     * scope, while it sleeps ends it without running {@code task}. Same rules as
     * {@link #fork(Callable)}.
     *
     * <pre>{@code
     * try (var scope = Scope.open(Policy.<Quote>firstSuccess())) {
     *     scope.fork(() -> primary.quote());
     *     scope.schedule(Duration.ofMillis(50), () -> backup.quote());   // hedge if primary is slow
     *     return scope.join();                            // the first quote; the other is cancelled
     * }
     * }</pre>
     *
     * @param delay how long to wait before running {@code task}; zero or positive
     * @param task the work to run
     * @param <U> the task's result type
     * @return the task's handle
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code delay} is negative
     * @throws WrongThreadException if the calling thread is neither the owner nor a task of this scope
     * @throws ScopeClosedException if the scope is closed or already joined
     * @throws RejectedExecutionException if the thread factory returned null or a started thread, or
     *     every permit of {@link Builder#maxConcurrency(int, WhenFull)} is held under
     *     {@link WhenFull#REJECT}
     */
    public <U extends T> Task<U> schedule(Duration delay, Callable<? extends U> task) {
        long nanos = Timer.delayNanos(delay, "delay");
        Objects.requireNonNull(task, "task");
        return forkBody(new Timer(task, nanos, 0L), false);
    }

    /**
     * Forks {@code task} to run once after {@code delay}; its result is {@code null}. See
     * {@link #schedule(Duration, Callable)}.
     *
     * <pre>{@code
     * scope.schedule(Duration.ofSeconds(5), () -> log.warn("still loading {}", id));
     * }</pre>
     *
     * @param delay how long to wait before running {@code task}; zero or positive
     * @param task the work to run
     * @return the task's handle
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code delay} is negative
     * @throws WrongThreadException if the calling thread is neither the owner nor a task of this scope
     * @throws ScopeClosedException if the scope is closed or already joined
     * @throws RejectedExecutionException if the thread factory returned null or a started thread, or
     *     every permit of {@link Builder#maxConcurrency(int, WhenFull)} is held under
     *     {@link WhenFull#REJECT}
     */
    public Task<T> schedule(Duration delay, Runnable task) {
        long nanos = Timer.delayNanos(delay, "delay");
        Objects.requireNonNull(task, "task");
        return forkBody(new Timer(task, nanos, 0L), false);
    }

    /**
     * Forks a periodic timer as a {@linkplain #forkDaemon(Callable) daemon}: its own thread sleeps
     * {@code initialDelay}, runs {@code task}, and runs it again at {@code initialDelay + n * period}
     * from the fork, until the timer is cancelled. The times are computed from the first one, so
     * runs do not drift; a run that takes longer than {@code period} makes the next ones start late
     * (back to back until the timer has caught up), never concurrently, as with
     * {@link java.util.concurrent.ScheduledExecutorService#scheduleAtFixedRate}. No scheduler thread
     * is involved: one thread (virtual by default) per timer.
     *
     * <p>The timer stops when {@link #join()} has seen the other tasks end (it is then cancelled,
     * like every daemon), when the scope is cancelled or closed, or when its task is
     * {@linkplain Task#cancel() cancelled}; a run under way is interrupted. A run that throws ends
     * the timer: the task fails with that exception, which the policy sees like any task failure
     * ({@link Policy#allSuccessful()} then fails the scope).
     *
     * <pre>{@code
     * try (var scope = Scope.open()) {
     *     scope.scheduleAtFixedRate(Duration.ZERO, Duration.ofSeconds(10), () -> lease.renew());
     *     scope.fork(() -> migrate(table));               // the lease is renewed while this runs
     *     scope.join();                                   // then the heartbeat stops
     * }
     * }</pre>
     *
     * @param initialDelay the delay before the first run; zero or positive
     * @param period the time between the starts of two runs; positive
     * @param task the work to run periodically
     * @return the timer's handle; {@link Task#cancel()} stops it
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code initialDelay} is negative or {@code period} is not
     *     positive
     * @throws WrongThreadException if the calling thread is neither the owner nor a task of this scope
     * @throws ScopeClosedException if the scope is closed or already joined
     * @throws RejectedExecutionException if the thread factory returned null or a started thread, or
     *     too many daemons are running
     */
    public Task<T> scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
        long first = Timer.delayNanos(initialDelay, "initialDelay");
        long every = Timer.periodNanos(period, "period");
        Objects.requireNonNull(task, "task");
        return forkBody(new Timer(task, first, every), true);
    }

    /**
     * Forks a periodic timer as a {@linkplain #forkDaemon(Callable) daemon}: its own thread sleeps
     * {@code initialDelay}, runs {@code task}, then sleeps {@code delay} after the end of each run
     * before the next, until the timer is cancelled. It stops, and reports a failing run, exactly
     * as {@link #scheduleAtFixedRate(Duration, Duration, Runnable)} does.
     *
     * <pre>{@code
     * try (var scope = Scope.open()) {
     *     scope.scheduleWithFixedDelay(Duration.ZERO, Duration.ofSeconds(1), () -> cache.evictExpired());
     *     scope.fork(() -> serve(requests));
     *     scope.join();
     * }
     * }</pre>
     *
     * @param initialDelay the delay before the first run; zero or positive
     * @param delay the time between the end of one run and the start of the next; positive
     * @param task the work to run periodically
     * @return the timer's handle; {@link Task#cancel()} stops it
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code initialDelay} is negative or {@code delay} is not
     *     positive
     * @throws WrongThreadException if the calling thread is neither the owner nor a task of this scope
     * @throws ScopeClosedException if the scope is closed or already joined
     * @throws RejectedExecutionException if the thread factory returned null or a started thread, or
     *     too many daemons are running
     */
    public Task<T> scheduleWithFixedDelay(Duration initialDelay, Duration delay, Runnable task) {
        long first = Timer.delayNanos(initialDelay, "initialDelay");
        long between = Timer.periodNanos(delay, "delay");
        Objects.requireNonNull(task, "task");
        return forkBody(new Timer(task, first, -between), true);
    }

    private <U extends T> ScopeTask<U> forkBody(Object body, boolean daemon) {
        Thread current = Thread.currentThread();
        if (current != owner) {
            checkForker(current);
        }
        long s = state;
        if ((s & (JOINED | CLOSED)) != 0) {
            throw forkRefused(s, current);
        }
        TelemetryListener listener = Telemetry.listener();
        Semaphore limit = daemon ? null : permits;
        ScopeTask<U> task = new ScopeTask<>(this, body, propagation.capture(),
                listener == null && !Tracking.enabled() ? 0L : System.nanoTime(), daemon,
                limit != null && !rejectWhenFull);
        if ((s & (REASON_MASK | STOPPING)) != 0) {
            return forkIntoCancelled(task, listener);    // the thread factory is not called for it
        }
        if (limit != null && rejectWhenFull) {
            if (!limit.tryAcquire()) {
                throw new RejectedExecutionException(describe(current) + " called fork() on " + this + ", whose "
                        + maxConcurrency + " permits (maxConcurrency(" + maxConcurrency + ", WhenFull.REJECT)) are all"
                        + " held by running tasks; nothing was forked. Retry later, or use WhenFull.WAIT");
            }
            task.permitHeld = true;                      // released when the task ends, or below if it never starts
        }
        try {
            return forkAccepted(task, daemon, listener, current);
        } catch (Throwable failure) {
            task.releasePermit();
            throw failure;
        }
    }

    private <U extends T> ScopeTask<U> forkAccepted(ScopeTask<U> task, boolean daemon,
            @Nullable TelemetryListener listener, Thread current) {
        Thread thread = threadFactory.newThread(task);
        if (thread == null) {
            throw new RejectedExecutionException(threadFactory + " returned null instead of a thread for a task of "
                    + this + "; a scope's ThreadFactory must always create a thread");
        }
        Thread.State threadState = thread.getState();
        if (threadState != Thread.State.NEW) {           // the scope must count the task before it runs
            throw new RejectedExecutionException(threadFactory + " returned " + describe(thread) + " in state "
                    + threadState + " for a task of " + this + ", but a ThreadFactory must return a new, unstarted"
                    + " thread (Thread.State.NEW): the scope starts it after counting the task. Nothing was forked;"
                    + " remove the start() call from the factory");
        }
        task.thread = thread;
        long add = daemon ? 1L + DAEMON_ONE : 1L;
        for (;;) {                                   // accept: live + 1, unless joined, closed or cancelled
            long s = state;
            if ((s & (JOINED | CLOSED)) != 0) {
                throw forkRefused(s, current);
            }
            if ((s & (REASON_MASK | STOPPING)) != 0) {
                return forkIntoCancelled(task, listener);
            }
            if (daemon && (s >>> DAEMON_SHIFT) == MAX_DAEMONS) {
                throw new RejectedExecutionException(describe(current) + " called forkDaemon() on " + this
                        + ", which already runs " + MAX_DAEMONS + " daemon tasks, the most a scope can count."
                        + " Run background work in fewer daemons (one loop per daemon, not one daemon per item)");
            }
            if (STATE.weakCompareAndSet(this, s, s + add)) {
                break;
            }
        }
        try {
            policy.onFork(asPolicyTask(task));
        } catch (Throwable failure) {
            task.markNeverStarted();
            taskTerminated(daemon);
            throw failure;
        }
        push(task);
        if ((state & (REASON_MASK | STOPPING)) != 0) {
            task.cancel0();                          // a cancel() or join() may have walked the list before the push
        }
        try {
            if (listener != null) {
                listener.taskForked(telemetryName);
            }
            task.launch();
            thread.start();
        } catch (Throwable failure) {
            try {
                task.startFailed(failure);
                taskEnded(task);
            } finally {
                taskTerminated(daemon);
            }
            throw failure;
        }
        if (current == owner) {
            ownerForked = true;                      // tasks exist only after the owner forked
        }
        maybeSweep();
        return task;
    }

    private <U extends T> ScopeTask<U> forkIntoCancelled(ScopeTask<U> task, @Nullable TelemetryListener listener) {
        task.releasePermit();
        task.markNeverStarted();
        if (Thread.currentThread() == owner) {
            ownerForked = true;
        }
        policy.onFork(asPolicyTask(task));
        if (listener != null) {
            listener.taskForked(telemetryName);
        }
        taskEnded(task);
        return task;
    }

    @SuppressWarnings("unchecked")
    private Task<T> asPolicyTask(ScopeTask<?> task) {
        return (Task<T>) task;                       // tasks are read-only in T, so Task<U extends T> is a Task<T>
    }

    private void checkForker(Thread current) {
        ScopeTask<?> task = ScopeTask.currentOrNull();
        if (task == null || task.scope != this) {
            throw new WrongThreadException(describe(current) + " called fork() on " + this
                    + ", but only its owner and the tasks running in it may fork. Fork from the owner, or from"
                    + " a task of this scope (hand the work to one through a channel)");
        }
    }

    private ScopeClosedException forkRefused(long s, Thread current) {
        if ((s & CLOSED) != 0) {
            return new ScopeClosedException(describe(current) + " called fork() on " + this
                    + ", which is closed. Fork before close(), or open a new scope for new work");
        }
        return new ScopeClosedException(describe(current) + " called fork() on " + this
                + ", which was already joined and accepts no more tasks. Fork every task before join(), or open"
                + " a new scope for new work");
    }

    private void push(ScopeTask<?> task) {
        ScopeTask<?> top;
        do {
            top = head;
            NEXT.set(task, top);                     // plain write, published by the CAS below
        } while (!HEAD.weakCompareAndSet(this, top, task));
    }

    private void maybeSweep() {
        if (++forksSinceSweep < sweepThreshold || !SWEEPING.compareAndSet(this, 0, 1)) {
            return;
        }
        try {
            int running = 0;
            ScopeTask<?> kept = head;
            if (kept != null) {
                for (ScopeTask<?> node = kept.next; node != null; node = node.next) {
                    if (node.isTerminated()) {
                        kept.next = node.next;       // unlink; node.next itself never changes again
                    } else {
                        kept = node;
                        running++;
                    }
                }
            }
            sweepThreshold = Math.max(SWEEP_MIN, running);
            forksSinceSweep = 0;
        } finally {
            sweeping = 0;
        }
    }

    // ------------------------------------------------------------------ task callbacks

    /** A task's outcome is final: tell the policy and the listener. Never throws (except VM errors). */
    void taskEnded(ScopeTask<?> task) {
        try {
            if (policy.onComplete(asPolicyTask(task))) {
                cancel(BY_POLICY);
            }
        } catch (Throwable failure) {
            if (!POLICY_ERROR.compareAndSet(this, null, failure)) {
                Objects.requireNonNull(policyError).addSuppressed(failure);
            }
            cancel(BY_POLICY_ERROR);
        }
        TelemetryListener listener = Telemetry.listener();
        if (listener != null) {
            long elapsed = task.forkNanos == 0L ? 0L : System.nanoTime() - task.forkNanos;
            Outcome outcome = switch (task.state()) {
                case SUCCEEDED -> Outcome.SUCCESS;
                case FAILED -> Outcome.FAILURE;
                default -> Outcome.CANCELLED;
            };
            listener.taskFinished(telemetryName, outcome, elapsed);
        }
    }

    /**
     * The last action of a task's thread: live - 1 (and daemons - 1 for a daemon), waking the owner
     * if it waits and this took live, or for a non-daemon live - daemons, to zero.
     */
    void taskTerminated(boolean daemon) {
        long previous = (long) STATE.getAndAdd(this, daemon ? -(1L + DAEMON_ONE) : -1L);
        if ((previous & WAITING) != 0
                && ((previous & LIVE_MASK) == 1 || (!daemon && nonDaemons(previous) == 1))) {
            LockSupport.unpark(owner);
        }
    }

    private static long nonDaemons(long s) {
        return (s & LIVE_MASK) - (s >>> DAEMON_SHIFT);
    }

    // ------------------------------------------------------------------ joining

    /**
     * Waits until every task forked in this scope has terminated and returns the policy's result.
     * Tasks still running when the policy declares the scope done, when the deadline passes, or
     * when the scope is cancelled are cancelled, and join waits for their threads too.
     * {@linkplain #forkDaemon(Callable) Daemon} tasks and periodic timers are not waited for: once
     * the other tasks have ended, join cancels them and waits for their threads (uninterruptibly;
     * a deadline or {@link #cancel()} arriving then changes nothing). Called once, by the owner.
     *
     * @return the policy's result ({@code null} for {@link Policy#allSuccessful()})
     * @throws ScopeFailedException if the policy reports failure: the cause is the first failure,
     *     the others are suppressed
     * @throws ScopeTimeoutException if the deadline passed first and the policy returns no partial
     *     result
     * @throws ScopeCancelledException if the scope was {@link #cancel()}led before the policy decided
     * @throws IllegalStateException if the policy itself threw (it is the cause), or join already
     *     completed
     * @throws InterruptedException if the owner was interrupted while waiting; nothing is
     *     cancelled and join may be called again
     * @throws WrongThreadException if the calling thread is not the owner
     * @throws ScopeClosedException if the scope is closed
     */
    public R join() throws InterruptedException {
        SchedulingPoints.before("Scope", telemetryName, "join");
        Thread current = checkOwner("join()");
        long s = state;
        if ((s & CLOSED) != 0) {
            throw new ScopeClosedException(describe(current) + " called join() on " + this
                    + ", which is closed. Call join() inside the try-with-resources block, before close()");
        }
        if ((s & JOINED) != 0) {
            throw new IllegalStateException(describe(current) + " called join() again on " + this
                    + "; join() reports its outcome once. Keep the result (or exception) of the first call");
        }
        if (Thread.interrupted()) {
            joinInterrupted = true;
            throw new InterruptedException(describe(current) + " was interrupted before join() on " + this);
        }
        awaitTasks(true, true);
        joinInterrupted = false;
        stopDaemons();
        do {
            s = state;
        } while (!STATE.weakCompareAndSet(this, s, (s | JOINED) & ~WAITING));
        awaitThreadExits();
        Throwable brokenPolicy = policyError;
        if (brokenPolicy != null) {
            joinOutcome = Outcome.FAILURE;
            throw new IllegalStateException(policy + " threw from onComplete in " + this + ", so the scope was"
                    + " cancelled; " + describe(current) + " was joining. The cause is the policy's"
                    + " exception: fix the policy", brokenPolicy);
        }
        int reason = reason(s);
        if (reason == BY_CANCEL) {
            joinOutcome = Outcome.CANCELLED;
            Thread by = cancelledBy;
            throw new ScopeCancelledException(this + " was cancelled by " + (by == null ? "cancel()" : describe(by))
                    + " before join() completed; its tasks were cancelled and have terminated, so their results are"
                    + " missing; " + describe(current) + " was joining. Catch ScopeCancelledException where"
                    + " cancelling is expected");
        }
        if (reason == BY_DEADLINE) {
            joinOutcome = Outcome.TIMEOUT;
            return policy.onTimeout(new ScopeTimeoutException(this + " passed its " + deadlineText
                    + " before join() completed; the tasks still running were cancelled and have terminated;"
                    + " " + describe(current) + " was joining. Allow more time, or use a policy that"
                    + " returns a partial result on timeout (Policy.awaitAll(), Policy.until(...))"));
        }
        try {
            R result = policy.result();
            joinOutcome = Outcome.SUCCESS;
            return result;
        } catch (Throwable failure) {
            joinOutcome = Outcome.FAILURE;
            throw failure;
        }
    }

    /**
     * Called by join() once no non-daemon task was live: sets STOPPING (waiting again if a daemon
     * forked a non-daemon task meanwhile), cancels the daemons and waits, uninterruptibly and
     * without the deadline, until no task is live. The interrupt status is restored afterwards.
     */
    private void stopDaemons() throws InterruptedException {
        for (;;) {
            long s = state;
            if (nonDaemons(s) != 0) {
                awaitTasks(true, true);
            } else if (STATE.compareAndSet(this, s, s | STOPPING)) {
                if ((s & LIVE_MASK) == 0) {
                    return;                          // no daemon: nothing to stop, nothing can fork
                }
                break;
            }
        }
        for (ScopeTask<?> task = head; task != null; task = task.next) {
            if (task.daemon) {
                task.cancel0();
            }
        }
        if (awaitTasks(false, false)) {
            owner.interrupt();
        }
    }

    /**
     * Parks the owner until no task is live, or with {@code joinable} until no non-daemon task is
     * live, enforcing the deadline unless join is stopping the daemons; returns whether it was
     * interrupted.
     */
    private boolean awaitTasks(boolean interruptible, boolean joinable) throws InterruptedException {
        View view = tracked;
        Tracking.Wait wait = view != null && Tracking.enabled()
                ? Tracking.begin(Tracking.Kind.SCOPE_JOIN, view.label, null) : null;
        try {
            return awaitTasks0(interruptible, joinable);
        } finally {
            Tracking.end(wait);
        }
    }

    private boolean awaitTasks0(boolean interruptible, boolean joinable) throws InterruptedException {
        boolean interrupted = false;
        for (;;) {
            long s = state;
            if (joinable ? nonDaemons(s) == 0 : (s & LIVE_MASK) == 0) {
                return interrupted;
            }
            if ((s & WAITING) == 0) {
                STATE.compareAndSet(this, s, s | WAITING);
                continue;
            }
            if (hasDeadline && (s & (REASON_MASK | STOPPING)) == 0) {
                long remaining = deadlineNanos - TimeSource.nanoTime();
                if (remaining <= 0) {
                    cancel(BY_DEADLINE);
                    continue;
                }
                TimeSource.parkNanos(this, remaining);
            } else {
                LockSupport.park(this);
            }
            if (Thread.interrupted()) {
                if (interruptible) {
                    joinInterrupted = true;
                    throw new InterruptedException(describe(owner) + " was interrupted while joining " + this
                            + "; nothing was cancelled. Call join() again, or leave the block: close() cancels");
                }
                interrupted = true;
            }
        }
    }

    /**
     * live == 0 means every task's Runnable has returned, but a thread may still be exiting; wait
     * for those (microseconds), uninterruptibly, so no forked thread is alive once join or close
     * returns. Only after JOINED or CLOSED, when the list can no longer grow; owner thread only.
     */
    private void awaitThreadExits() {
        if (threadsJoined) {
            return;
        }
        boolean interrupted = false;
        for (ScopeTask<?> task = head; task != null; task = task.next) {
            Thread thread = task.thread;
            while (thread != null && thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        threadsJoined = true;
        if (interrupted) {
            owner.interrupt();
        }
    }

    /** Joins {@code thread}, ignoring interrupts; returns whether one came (the caller sets it again). */
    private static boolean joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    // ------------------------------------------------------------------ cancelling

    /**
     * Cancels the scope: every task still running is cancelled (its thread interrupted, its cancel
     * hooks run on the calling thread), tasks forked afterwards never start, and {@link #join()}
     * throws {@link ScopeCancelledException} once the tasks have terminated. Any thread may call
     * it, tasks of the scope included. Does nothing if the scope is already cancelled (by any
     * cause: policy, deadline, close), joined or closed, or once {@link #join()} has seen every
     * non-daemon task end and is stopping the daemons; never throws.
     */
    public void cancel() {
        if (cancelledBy == null) {
            cancelledBy = Thread.currentThread();
        }
        cancel(BY_CANCEL);
    }

    /**
     * Returns whether the scope has been cancelled: by {@link #cancel()}, by its policy, by its
     * deadline, or by {@link #close()} without a join.
     *
     * @return {@code true} once cancelled
     */
    public boolean isCancelled() {
        return (state & REASON_MASK) != 0;
    }

    /**
     * Returns how many tasks are waiting for a permit of {@link Builder#maxConcurrency(int)}:
     * forked, their threads started, their bodies not yet running. Always 0 for a scope without a
     * limit, or with {@link WhenFull#REJECT}.
     *
     * @return the number of tasks waiting for a permit, at this moment
     */
    public int waiting() {
        return waiting;
    }

    /** A task of a limited scope waits for a permit on its own thread; see ScopeTask#awaitPermit. */
    void permitWait(int delta) {
        WAITING_COUNT.getAndAdd(this, delta);
    }

    /** An unstarted thread of the scope's factory that will cancel the scope at its deadline. */
    private Thread newDeadlineThread() {
        Thread thread = threadFactory.newThread(this::awaitDeadline);
        if (thread == null) {
            throw new IllegalStateException("the thread factory " + threadFactory + " returned null for the deadline"
                    + " of " + this + "; a scope's ThreadFactory must always create a thread");
        }
        Thread.State threadState = thread.getState();
        if (threadState != Thread.State.NEW) {
            throw new IllegalStateException("the thread factory " + threadFactory + " returned " + describe(thread)
                    + " in state " + threadState + " for the deadline of " + this + ", but a ThreadFactory must"
                    + " return a new, unstarted thread");
        }
        deadlineThread = thread;                     // the body runs only once this check passed
        return thread;
    }

    /** The deadline thread's body: sleeps until the deadline, then cancels, unless join or close came first. */
    private void awaitDeadline() {
        if (deadlineThread != Thread.currentThread()) {
            return;                                  // started by its factory before the check: not ours
        }
        while ((state & (REASON_MASK | JOINED | CLOSED | STOPPING)) == 0) {
            long remaining = deadlineNanos - TimeSource.nanoTime();
            if (remaining <= 0) {
                cancel(BY_DEADLINE);
                return;
            }
            TimeSource.parkNanos(this, remaining);
        }
    }

    private boolean cancel(int reason) {
        long s;
        do {
            s = state;
            if ((s & (REASON_MASK | JOINED | STOPPING)) != 0) {
                return false;
            }
        } while (!STATE.weakCompareAndSet(this, s, s | ((long) reason << REASON_SHIFT)));
        for (ScopeTask<?> task = head; task != null; task = task.next) {
            task.cancel0();
        }
        return true;
    }

    private static int reason(long s) {
        return (int) ((s & REASON_MASK) >>> REASON_SHIFT);
    }

    // ------------------------------------------------------------------ closing

    /**
     * Closes the scope. If {@link #join()} did not complete, cancels every task still running;
     * then waits, uninterruptibly, until every thread forked in the scope has terminated. When this
     * method returns (normally or not) no thread of the scope is alive. Closing twice has no
     * further effect.
     *
     * @throws WrongThreadException if the calling thread is not the owner (nothing is closed)
     * @throws StructureViolationException if scopes opened later by the owner were still open;
     *     they were closed first
     * @throws IllegalStateException if the owner forked but never completed {@code join()}, and
     *     neither cancelled the scope nor was interrupted in {@code join()}; reported after the
     *     tasks were cancelled and have terminated
     */
    @Override
    public void close() {
        Thread current = checkOwner("close()");
        if ((state & CLOSED) != 0) {
            return;
        }
        StructureViolationException violation = closeInnerScopes(current);
        boolean joined = closeQuietly();
        if (violation != null) {
            throw violation;
        }
        if (!joined && ownerForked && !joinInterrupted && reason(state) != BY_CANCEL) {
            throw new IllegalStateException(describe(current) + " closed " + this + " without join(): the tasks"
                    + " still running were cancelled and have terminated. Call join() before leaving the block,"
                    + " or cancel() the scope first to abandon its tasks on purpose");
        }
    }

    /** Closes without reporting misuse; returns whether join had completed. */
    private boolean closeQuietly() {
        long s = (long) STATE.getAndBitwiseOr(this, CLOSED);
        boolean joined = (s & JOINED) != 0;
        if (!joined) {
            cancel(BY_CLOSE);
        }
        boolean interrupted;
        try {
            interrupted = awaitTasks(false, false);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
        awaitThreadExits();
        Thread pending = deadlineThread;
        if (pending != null) {                       // CLOSED is set: it ends when it wakes
            deadlineThread = null;
            LockSupport.unpark(pending);
            interrupted |= joinUninterruptibly(pending);
        }
        if (innermost() == this) {                   // always, unless the thread's scope stack was bypassed
            setInnermost(enclosing);
        }
        View view = tracked;
        if (view != null) {
            Tracking.closed(view);
        }
        ScopeTask<?> task = head;                    // every task has terminated: drop the list
        head = null;
        while (task != null) {
            ScopeTask<?> older = task.next;
            task.next = null;
            task = older;
        }
        TelemetryListener listener = Telemetry.listener();
        if (listener != null) {
            listener.scopeClosed(telemetryName, joined ? joinOutcome : Outcome.CANCELLED,
                    openNanos == 0L ? 0L : System.nanoTime() - openNanos);
        }
        if (interrupted) {
            owner.interrupt();
        }
        return joined;
    }

    private @Nullable StructureViolationException closeInnerScopes(Thread current) {
        Scope<?, ?> inner = innermost();
        if (inner == this || inner == null || !encloses(inner)) {
            return null;
        }
        StringBuilder closed = new StringBuilder();
        while (inner != null && inner != this) {
            closed.append(closed.isEmpty() ? "" : ", ").append(inner);
            inner.closeQuietly();
            inner = innermost();
        }
        return new StructureViolationException(describe(current) + " closed " + this + " while scopes it opened"
                + " later were still open: " + closed + ". They were closed first, innermost first (their tasks"
                + " cancelled and terminated). Close scopes in reverse order of opening: use try-with-resources");
    }

    private boolean encloses(Scope<?, ?> inner) {
        for (Scope<?, ?> scope = inner; scope != null; scope = scope.enclosing) {
            if (scope == this) {
                return true;
            }
        }
        return false;
    }

    /** Closes the scopes a task opened and left open; returns the violation it fails with. */
    static StructureViolationException closeAbandoned(ScopeTask<?> task) {
        StringBuilder closed = new StringBuilder();
        for (Scope<?, ?> scope = task.innermost; scope != null; scope = task.innermost) {
            closed.append(closed.isEmpty() ? "" : ", ").append(scope);
            scope.closeQuietly();
        }
        return new StructureViolationException(task + " ended on " + describe(Thread.currentThread())
                + " without closing " + closed + ", which it opened. They were closed (their tasks cancelled and"
                + " terminated). Open scopes in tasks with try-with-resources");
    }

    private static @Nullable Scope<?, ?> innermost() {
        ScopeTask<?> task = ScopeTask.currentOrNull();
        if (task != null && task.thread == Thread.currentThread()) {
            return task.innermost;
        }
        return INNERMOST.get();
    }

    private static void setInnermost(@Nullable Scope<?, ?> scope) {
        ScopeTask<?> task = ScopeTask.currentOrNull();
        if (task != null && task.thread == Thread.currentThread()) {
            task.innermost = scope;
        } else if (scope == null) {
            INNERMOST.remove();
        } else {
            INNERMOST.set(scope);
        }
    }

    private Thread checkOwner(String operation) {
        Thread current = Thread.currentThread();
        if (current != owner) {
            throw new WrongThreadException(describe(current) + " called " + operation + " on " + this
                    + ", which only its owner may do. Join and close a scope on the thread that opened it"
                    + " (try-with-resources does); other threads may fork from its tasks, or cancel() it");
        }
        return current;
    }

    // ------------------------------------------------------------------ describing

    /** What a structure snapshot reads of this scope; see dev.fearless.structure.Structure. */
    private static final class View extends Tracking.ScopeView {
        private final Scope<?, ?> scope;
        private final long registeredNanos;
        /** The target of the owner's join wait. */
        final String label;

        View(Scope<?, ?> scope, long registeredNanos) {
            this.scope = scope;
            this.registeredNanos = registeredNanos;
            this.label = "scope \"" + scope.telemetryName + "\"";
        }

        @Override
        public @Nullable String name() {
            return scope.name;
        }

        @Override
        public Thread owner() {
            return scope.owner;
        }

        @Override
        public String policy() {
            try {                                    // user code: a broken toString must not break snapshots
                return String.valueOf(scope.policy);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable broken) {
                return scope.policy.getClass().getName() + " (its toString() threw " + broken + ")";
            }
        }

        @Override
        public @Nullable String deadline() {
            return scope.deadlineText;
        }

        @Override
        public long deadlineNanos() {
            return scope.deadlineNanos;
        }

        @Override
        public long openedNanos() {
            return registeredNanos;
        }

        @Override
        public Tracking.@Nullable ScopeView enclosing() {
            Scope<?, ?> outer = scope.enclosing;
            return outer == null ? null : outer.tracked;
        }

        @Override
        public boolean tasks(int max, List<Tracking.TaskInfo> out) {
            int added = 0;
            for (ScopeTask<?> task = scope.head; task != null; task = task.next) {
                Task.State state = task.state();         // read once: each task under its own state
                if (state != Task.State.RUNNING) {
                    continue;
                }
                if (added == max) {
                    return true;
                }
                out.add(new Tracking.TaskInfo(state.name(), task.daemon, task.thread, task.forkNanos));
                added++;
            }
            return false;
        }
    }

    /**
     * Returns the scope's name, or {@link Telemetry#DEFAULT_NAME} when it has none.
     *
     * @return the name the scope reports telemetry under
     */
    public String name() {
        return telemetryName;
    }

    /** Returns, for example, {@code scope "checkout" (owner: thread "main" (#1))}. */
    @Override
    public String toString() {
        return (name == null ? "unnamed scope" : "scope \"" + name + "\"") + " (owner: " + describe(owner) + ")";
    }

    // ------------------------------------------------------------------ conveniences

    /**
     * Runs every task in a new scope, all of which must succeed, and returns their results in the
     * order of {@code tasks}. The first failure cancels the others.
     *
     * <pre>{@code
     * List<Price> prices = Scope.all(List.of(() -> shopA.price(item), () -> shopB.price(item)));
     * }</pre>
     *
     * @param tasks the work to run concurrently
     * @param <V> the result type
     * @return the results, in order; unmodifiable, may contain {@code null}
     * @throws ScopeFailedException if a task failed (the cause), the others being cancelled
     * @throws InterruptedException if the calling thread was interrupted; the tasks are cancelled
     * @throws NullPointerException if {@code tasks} or any element is null
     */
    public static <V extends @Nullable Object> List<V> all(List<? extends Callable<? extends V>> tasks)
            throws InterruptedException {
        return allOn(tasks, null);
    }

    /**
     * Runs every task like {@link #all(List)}, each on a new thread of {@code threadFactory}.
     *
     * <pre>{@code
     * List<Price> prices = Scope.all(List.of(() -> shopA.price(item), () -> shopB.price(item)),
     *         Thread.ofPlatform().name("price-", 0).factory());
     * }</pre>
     *
     * @param tasks the work to run concurrently
     * @param threadFactory makes the thread of each task (and must return it unstarted)
     * @param <V> the result type
     * @return the results, in order; unmodifiable, may contain {@code null}
     * @throws ScopeFailedException if a task failed (the cause), the others being cancelled
     * @throws InterruptedException if the calling thread was interrupted; the tasks are cancelled
     * @throws NullPointerException if an argument or any task is null
     */
    public static <V extends @Nullable Object> List<V> all(List<? extends Callable<? extends V>> tasks,
            ThreadFactory threadFactory) throws InterruptedException {
        return allOn(tasks, Objects.requireNonNull(threadFactory, "threadFactory"));
    }

    private static <V extends @Nullable Object> List<V> allOn(List<? extends Callable<? extends V>> tasks,
            @Nullable ThreadFactory factory) throws InterruptedException {
        requireElements(tasks, "tasks");
        try (Scope<V, @Nullable Void> scope = configure(factory).policy(Policy.<V>allSuccessful()).open()) {
            List<Task<? extends V>> forked = new ArrayList<>(tasks.size());
            for (Callable<? extends V> task : tasks) {
                forked.add(scope.fork(task));
            }
            scope.join();
            return results(forked);
        }
    }

    /**
     * Runs the tasks concurrently and returns the result of the first to succeed; the others are
     * cancelled (interrupted) as soon as it does.
     *
     * <pre>{@code
     * Quote best = Scope.race(() -> quoteA(), () -> quoteB());
     * }</pre>
     *
     * @param tasks the competing tasks, at least one
     * @param <V> the result type
     * @return the winner's result
     * @throws ScopeFailedException if no task succeeded: the cause is the first failure, the others
     *     are suppressed
     * @throws InterruptedException if the calling thread was interrupted; the tasks are cancelled
     * @throws IllegalArgumentException if {@code tasks} is empty
     * @throws NullPointerException if {@code tasks} or any element is null
     */
    @SafeVarargs
    public static <V extends @Nullable Object> V race(Callable<? extends V>... tasks) throws InterruptedException {
        Objects.requireNonNull(tasks, "tasks");
        List<Callable<? extends V>> list = new ArrayList<>(tasks.length);
        for (Callable<? extends V> task : tasks) {
            list.add(task);                          // not List.of(tasks): no varargs pass-through
        }
        return raceOn(list, null, Policy.<V>firstSuccess());
    }

    /**
     * Runs the tasks concurrently and returns the result of the first to succeed; the others are
     * cancelled as soon as it does. See {@link #race(Callable[])}.
     *
     * <pre>{@code
     * Quote best = Scope.race(suppliers.stream().map(s -> (Callable<Quote>) s::quote).toList());
     * }</pre>
     *
     * @param tasks the competing tasks, at least one
     * @param <V> the result type
     * @return the winner's result
     * @throws ScopeFailedException if no task succeeded
     * @throws InterruptedException if the calling thread was interrupted; the tasks are cancelled
     * @throws IllegalArgumentException if {@code tasks} is empty
     * @throws NullPointerException if {@code tasks} or any element is null
     */
    public static <V extends @Nullable Object> V race(List<? extends Callable<? extends V>> tasks)
            throws InterruptedException {
        return raceOn(tasks, null, Policy.<V>firstSuccess());
    }

    /**
     * Runs the tasks like {@link #race(List)}, each on a new thread of {@code threadFactory}.
     *
     * <pre>{@code
     * Quote best = Scope.race(List.of(() -> quoteA(), () -> quoteB()), Thread.ofVirtual().name("quote-", 0).factory());
     * }</pre>
     *
     * @param tasks the competing tasks, at least one
     * @param threadFactory makes the thread of each task (and must return it unstarted)
     * @param <V> the result type
     * @return the winner's result
     * @throws ScopeFailedException if no task succeeded
     * @throws InterruptedException if the calling thread was interrupted; the tasks are cancelled
     * @throws IllegalArgumentException if {@code tasks} is empty
     * @throws NullPointerException if an argument or any task is null
     */
    public static <V extends @Nullable Object> V race(List<? extends Callable<? extends V>> tasks,
            ThreadFactory threadFactory) throws InterruptedException {
        return raceOn(tasks, Objects.requireNonNull(threadFactory, "threadFactory"), Policy.<V>firstSuccess());
    }

    private static <V extends @Nullable Object> V raceOn(List<? extends Callable<? extends V>> tasks,
            @Nullable ThreadFactory factory, Policy<V, V> policy) throws InterruptedException {
        requireElements(tasks, "tasks");
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("tasks must not be empty: a race needs at least one task");
        }
        try (Scope<V, V> scope = configure(factory).policy(policy).open()) {
            for (Callable<? extends V> task : tasks) {
                scope.fork(task);
            }
            return scope.join();
        }
    }

    /**
     * Runs the tasks concurrently and returns the outcome of the first to finish, success or
     * failure; the others are cancelled as soon as it does. Unlike {@link #race(Callable[])}, a
     * failure does not wait for a later success: the first task to end decides.
     *
     * <pre>{@code
     * String answer = Scope.raceResult(() -> primary.lookup(key), () -> replica.lookup(key));
     * }</pre>
     *
     * @param tasks the competing tasks, at least one
     * @param <V> the result type
     * @return the result of the first task to finish, if it succeeded
     * @throws ScopeFailedException if the first task to finish failed: its exception is the cause
     * @throws InterruptedException if the calling thread was interrupted; the tasks are cancelled
     * @throws IllegalArgumentException if {@code tasks} is empty
     * @throws NullPointerException if {@code tasks} or any element is null
     */
    @SafeVarargs
    public static <V extends @Nullable Object> V raceResult(Callable<? extends V>... tasks)
            throws InterruptedException {
        Objects.requireNonNull(tasks, "tasks");
        List<Callable<? extends V>> list = new ArrayList<>(tasks.length);
        for (Callable<? extends V> task : tasks) {
            list.add(task);                          // not List.of(tasks): no varargs pass-through
        }
        return raceOn(list, null, new Policies.FirstToFinish<>());
    }

    /**
     * Runs the tasks concurrently and returns the outcome of the first to finish, success or
     * failure. See {@link #raceResult(Callable[])}.
     *
     * <pre>{@code
     * Quote first = Scope.raceResult(suppliers.stream().map(s -> (Callable<Quote>) s::quote).toList());
     * }</pre>
     *
     * @param tasks the competing tasks, at least one
     * @param <V> the result type
     * @return the result of the first task to finish, if it succeeded
     * @throws ScopeFailedException if the first task to finish failed: its exception is the cause
     * @throws InterruptedException if the calling thread was interrupted; the tasks are cancelled
     * @throws IllegalArgumentException if {@code tasks} is empty
     * @throws NullPointerException if {@code tasks} or any element is null
     */
    public static <V extends @Nullable Object> V raceResult(List<? extends Callable<? extends V>> tasks)
            throws InterruptedException {
        return raceOn(tasks, null, new Policies.FirstToFinish<>());
    }

    /**
     * Runs the tasks like {@link #raceResult(List)}, each on a new thread of {@code threadFactory}.
     *
     * <pre>{@code
     * String answer = Scope.raceResult(List.of(() -> primary.lookup(key), () -> replica.lookup(key)),
     *         Thread.ofVirtual().name("lookup-", 0).factory());
     * }</pre>
     *
     * @param tasks the competing tasks, at least one
     * @param threadFactory makes the thread of each task (and must return it unstarted)
     * @param <V> the result type
     * @return the result of the first task to finish, if it succeeded
     * @throws ScopeFailedException if the first task to finish failed: its exception is the cause
     * @throws InterruptedException if the calling thread was interrupted; the tasks are cancelled
     * @throws IllegalArgumentException if {@code tasks} is empty
     * @throws NullPointerException if an argument or any task is null
     */
    public static <V extends @Nullable Object> V raceResult(List<? extends Callable<? extends V>> tasks,
            ThreadFactory threadFactory) throws InterruptedException {
        return raceOn(tasks, Objects.requireNonNull(threadFactory, "threadFactory"), new Policies.FirstToFinish<>());
    }

    /**
     * Runs {@code task} on a new thread of a scope with the given timeout and returns its result;
     * if the timeout passes first the task is cancelled (interrupted, then awaited).
     *
     * <pre>{@code
     * Profile profile = Scope.withTimeout(Duration.ofMillis(250), () -> profiles.load(id));
     * }</pre>
     *
     * @param timeout how long the task may run; zero or positive (zero: already expired, the task
     *     never starts)
     * @param task the work to run
     * @param <V> the result type
     * @return the task's result
     * @throws ScopeTimeoutException if the timeout passed first
     * @throws ScopeFailedException if the task failed (the cause)
     * @throws InterruptedException if the calling thread was interrupted; the task is cancelled
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws NullPointerException if an argument is null
     */
    public static <V extends @Nullable Object> V withTimeout(Duration timeout, Callable<? extends V> task)
            throws InterruptedException {
        return withTimeoutOn(timeout, task, null);
    }

    /**
     * Runs {@code task} like {@link #withTimeout(Duration, Callable)}, on a new thread of
     * {@code threadFactory}; the timeout is enforced by another thread of the same factory.
     *
     * <pre>{@code
     * Profile profile = Scope.withTimeout(Duration.ofMillis(250), () -> profiles.load(id), Thread.ofPlatform().factory());
     * }</pre>
     *
     * @param timeout how long the task may run; zero or positive
     * @param task the work to run
     * @param threadFactory makes the task's thread and the timeout's (and must return them unstarted)
     * @param <V> the result type
     * @return the task's result
     * @throws ScopeTimeoutException if the timeout passed first
     * @throws ScopeFailedException if the task failed (the cause)
     * @throws InterruptedException if the calling thread was interrupted; the task is cancelled
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws NullPointerException if an argument is null
     */
    public static <V extends @Nullable Object> V withTimeout(Duration timeout, Callable<? extends V> task,
            ThreadFactory threadFactory) throws InterruptedException {
        return withTimeoutOn(timeout, task, Objects.requireNonNull(threadFactory, "threadFactory"));
    }

    private static <V extends @Nullable Object> V withTimeoutOn(Duration timeout, Callable<? extends V> task,
            @Nullable ThreadFactory factory) throws InterruptedException {
        Objects.requireNonNull(task, "task");
        Builder<V, @Nullable Void> builder = configure(factory).policy(Policy.<V>allSuccessful()).timeout(timeout);
        try (Scope<V, @Nullable Void> scope = builder.open()) {
            Task<? extends V> forked = scope.fork(task);
            scope.join();
            return forked.get();
        }
    }

    /**
     * Applies {@code mapper} to every input concurrently, with at most {@code maxConcurrency}
     * tasks running at once, and returns the results in input order. A task is forked only when a
     * permit is free (a {@link Semaphore}, not a pool), so a long input list never creates more
     * than {@code maxConcurrency} live threads. The first failure cancels the running tasks and
     * stops forking.
     *
     * <pre>{@code
     * List<Thumbnail> thumbnails = Scope.parallelMap(images, 8, image -> resize(image, 128));
     * }</pre>
     *
     * @param inputs the inputs, in order
     * @param maxConcurrency the most tasks running at once; positive
     * @param mapper the function to apply; may throw
     * @param <I> the input type
     * @param <V> the result type
     * @return the results, in input order; unmodifiable, may contain {@code null}
     * @throws ScopeFailedException if a mapping failed (the cause)
     * @throws InterruptedException if the calling thread was interrupted; the tasks are cancelled
     * @throws IllegalArgumentException if {@code maxConcurrency} is not positive
     * @throws NullPointerException if {@code inputs} or {@code mapper} is null
     */
    public static <I extends @Nullable Object, V extends @Nullable Object> List<V> parallelMap(
            List<? extends I> inputs, int maxConcurrency, Mapper<? super I, ? extends V> mapper)
            throws InterruptedException {
        return parallelMapOn(inputs, maxConcurrency, mapper, null);
    }

    /**
     * Applies {@code mapper} like {@link #parallelMap(List, int, Mapper)}, each task on a new
     * thread of {@code threadFactory}.
     *
     * <pre>{@code
     * List<Thumbnail> thumbnails = Scope.parallelMap(images, 8, image -> resize(image, 128),
     *         Thread.ofVirtual().name("resize-", 0).factory());
     * }</pre>
     *
     * @param inputs the inputs, in order
     * @param maxConcurrency the most tasks running at once; positive
     * @param mapper the function to apply; may throw
     * @param threadFactory makes the thread of each task (and must return it unstarted)
     * @param <I> the input type
     * @param <V> the result type
     * @return the results, in input order; unmodifiable, may contain {@code null}
     * @throws ScopeFailedException if a mapping failed (the cause)
     * @throws InterruptedException if the calling thread was interrupted; the tasks are cancelled
     * @throws IllegalArgumentException if {@code maxConcurrency} is not positive
     * @throws NullPointerException if an argument is null
     */
    public static <I extends @Nullable Object, V extends @Nullable Object> List<V> parallelMap(
            List<? extends I> inputs, int maxConcurrency, Mapper<? super I, ? extends V> mapper,
            ThreadFactory threadFactory) throws InterruptedException {
        return parallelMapOn(inputs, maxConcurrency, mapper, Objects.requireNonNull(threadFactory, "threadFactory"));
    }

    private static <I extends @Nullable Object, V extends @Nullable Object> List<V> parallelMapOn(
            List<? extends I> inputs, int maxConcurrency, Mapper<? super I, ? extends V> mapper,
            @Nullable ThreadFactory factory) throws InterruptedException {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(mapper, "mapper");
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be positive: " + maxConcurrency);
        }
        Semaphore permits = new Semaphore(maxConcurrency);
        Policy<V, @Nullable Void> policy = new Policies.PermitReturning<>(permits);
        try (Scope<V, @Nullable Void> scope = configure(factory).policy(policy).open()) {
            List<Task<? extends V>> forked = new ArrayList<>(inputs.size());
            for (I input : inputs) {
                permits.acquire();                   // returned by the policy when a task ends
                if (scope.isCancelled()) {
                    permits.release();
                    break;                           // a task failed: join reports it
                }
                forked.add(scope.fork(() -> mapper.apply(input)));
            }
            scope.join();
            return results(forked);
        }
    }

    private static Builder<Object, @Nullable Void> configure(@Nullable ThreadFactory factory) {
        Builder<Object, @Nullable Void> builder = new Builder<>();
        return factory == null ? builder : builder.threadFactory(factory);
    }

    private static void requireElements(List<?> list, String name) {
        Objects.requireNonNull(list, name);
        for (int i = 0; i < list.size(); i++) {
            Objects.requireNonNull(list.get(i), name + "[" + i + "]");
        }
    }

    private static <V extends @Nullable Object> List<V> results(List<Task<? extends V>> tasks) {
        List<V> results = new ArrayList<>(tasks.size());
        for (Task<? extends V> task : tasks) {
            results.add(task.get());
        }
        return Collections.unmodifiableList(results);
    }

    /**
     * The function applied by {@link #parallelMap(List, int, Mapper)}: like
     * {@link java.util.function.Function}, but it may throw checked exceptions.
     *
     * <pre>{@code
     * Scope.Mapper<URI, String> fetch = uri -> http.send(get(uri), ofString()).body();
     * }</pre>
     *
     * @param <I> the input type
     * @param <V> the result type
     */
    @FunctionalInterface
    public interface Mapper<I extends @Nullable Object, V extends @Nullable Object> {

        /**
         * Maps one input.
         *
         * @param input the input
         * @return the result
         * @throws Exception if the mapping fails; the scope then fails with it
         */
        V apply(I input) throws Exception;
    }

    /**
     * What a fork does when every permit of {@link Builder#maxConcurrency(int, WhenFull)} is held.
     *
     * <pre>{@code
     * try (var scope = Scope.builder().maxConcurrency(4, Scope.WhenFull.REJECT).open()) {
     *     scope.fork(() -> "accepted");              // a fifth concurrent fork would throw
     *     scope.join();
     * }
     * }</pre>
     */
    public enum WhenFull {
        /** The task is forked at once and its thread waits for a permit before running the body. */
        WAIT,
        /** The fork throws {@link RejectedExecutionException}; nothing is forked. */
        REJECT
    }

    // ------------------------------------------------------------------ builder

    /**
     * Configures and opens a {@link Scope}. Every setting has a default: unnamed,
     * {@link Policy#allSuccessful()}, no deadline, new virtual threads, and
     * {@link ContextPropagation#defaults()}. A builder may open several scopes; give each a fresh
     * policy instance.
     *
     * <pre>{@code
     * static final ScopedValue<String> TENANT = ScopedValue.newInstance();
     *
     * try (var scope = Scope.builder()
     *         .name("search")                                           // thread names and telemetry
     *         .policy(Policy.<Result>awaitAll())
     *         .deadline(request.deadline())
     *         .context(ContextPropagation.defaults().with(ContextPropagator.scopedValues(TENANT)))
     *         .open()) {
     *     shards.forEach(shard -> scope.fork(() -> shard.search(query)));  // TENANT is bound in every task
     *     List<Task<Result>> results = scope.join();
     * }
     * }</pre>
     *
     * <p>A builder is not thread-safe; use it on one thread.
     *
     * @param <T> the result type of the tasks
     * @param <R> the type {@link Scope#join()} returns
     */
    public static final class Builder<T extends @Nullable Object, R extends @Nullable Object> {
        private @Nullable Policy<?, ?> policy;
        private @Nullable String name;
        private @Nullable Duration timeout;
        private @Nullable Instant deadline;
        private @Nullable ThreadFactory threadFactory;
        private ContextPropagation context = ContextPropagation.defaults();
        private int maxConcurrency;                  // 0: no limit
        private WhenFull whenFull = WhenFull.WAIT;

        private Builder() {}

        /**
         * Names the scope: its threads (when the default thread factory is used) carry this name,
         * and telemetry reports under it. Keep the set of names small: it becomes a meter tag.
         *
         * @param name the name
         * @return this builder
         * @throws NullPointerException if {@code name} is null
         * @throws IllegalArgumentException if {@code name} is blank
         */
        public Builder<T, R> name(String name) {
            this.name = Names.requireValid(name);
            return this;
        }

        /**
         * Sets the policy, a fresh instance per scope.
         *
         * @param policy the policy
         * @param <T2> the result type of the tasks
         * @param <R2> the type {@link Scope#join()} returns
         * @return this builder, retyped
         * @throws NullPointerException if {@code policy} is null
         */
        @SuppressWarnings("unchecked")
        public <T2 extends @Nullable Object, R2 extends @Nullable Object> Builder<T2, R2> policy(Policy<T2, R2> policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return (Builder<T2, R2>) this;
        }

        /**
         * Gives the scope a deadline {@code timeout} after it opens; replaces any
         * {@link #deadline(Instant)}. {@link Duration#ZERO} means "already expired": the scope opens
         * cancelled by its deadline, its forks never start, and {@code join()} reports a timeout. A
         * timeout too long for a {@code long} of nanoseconds saturates (about 73 years).
         *
         * @param timeout the time the scope may take; zero or positive
         * @return this builder
         * @throws NullPointerException if {@code timeout} is null
         * @throws IllegalArgumentException if {@code timeout} is negative
         */
        public Builder<T, R> timeout(Duration timeout) {
            Durations.toNanosSaturated(timeout);
            this.timeout = timeout;
            this.deadline = null;
            return this;
        }

        /**
         * Gives the scope an absolute deadline (for example one propagated from an incoming
         * request); replaces any {@link #timeout(Duration)}. A deadline already in the past opens
         * the scope cancelled: {@code join()} reports a timeout.
         *
         * @param deadline the instant by which the scope must be done
         * @return this builder
         * @throws NullPointerException if {@code deadline} is null
         */
        public Builder<T, R> deadline(Instant deadline) {
            this.deadline = Objects.requireNonNull(deadline, "deadline");
            this.timeout = null;
            return this;
        }

        /**
         * Sets the factory that creates one thread per task, for example
         * {@code Thread.ofPlatform().factory()} in tests. It must return a new, unstarted thread
         * that runs the given {@link Runnable} once and then ends: {@link Scope#join()} and
         * {@link Scope#close()} wait for the thread itself to terminate. Default: new virtual
         * threads, unnamed unless the scope is named.
         *
         * @param threadFactory the thread factory
         * @return this builder
         * @throws NullPointerException if {@code threadFactory} is null
         */
        public Builder<T, R> threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /**
         * Lets at most {@code limit} tasks of the scope run their bodies at once; a task forked
         * beyond that waits for a permit ({@link WhenFull#WAIT}). Same as
         * {@code maxConcurrency(limit, WhenFull.WAIT)}; see {@link #maxConcurrency(int, WhenFull)}.
         *
         * @param limit the most task bodies running at once; positive
         * @return this builder
         * @throws IllegalArgumentException if {@code limit} is not positive
         */
        public Builder<T, R> maxConcurrency(int limit) {
            return maxConcurrency(limit, WhenFull.WAIT);
        }

        /**
         * Lets at most {@code limit} tasks of the scope run their bodies at once, so a crawler or a
         * fan-out over a long list needs no semaphore of its own. A task holds its permit from the
         * moment its body starts until it ends (a {@link Scope#schedule scheduled} task holds it
         * through its delay too); {@linkplain Scope#forkDaemon(Callable) daemons} and periodic
         * timers are not counted. What happens to a fork beyond the limit:
         * <ul>
         *   <li>{@link WhenFull#WAIT}: {@code fork} returns at once, as always; the task's own
         *       thread waits for a permit (a fair semaphore: first come, first served) before it
         *       runs the body, counted by {@link Scope#waiting()}. The wait is interruptible:
         *       cancelling the task or the scope (policy, deadline, {@code cancel()},
         *       {@code close()}) ends it as {@link Task.State#CANCELLED} without running the body. Forking never blocks, so
         *       tasks that fork more tasks into the scope cannot deadlock on the limit. The
         *       {@link ThreadFactory} is called at fork time, also for a task that must wait: the
         *       limit bounds running bodies, not threads (with virtual threads a waiting task is
         *       a parked virtual thread; to bound platform threads too, use
         *       {@link Scope#parallelMap}).</li>
         *   <li>{@link WhenFull#REJECT}: {@code fork} throws {@link RejectedExecutionException}
         *       when every permit is held, before calling the thread factory, and the scope is left
         *       as it was.</li>
         * </ul>
         * A task gives its permit back when its body has returned or thrown, before its state is
         * final (so after {@link Task#join()} the permit is free); a cancelled task whose body
         * still runs holds its permit until the body returns.
         *
         * <pre>{@code
         * try (var scope = Scope.builder().name("crawler").maxConcurrency(16).open()) {
         *     scope.fork(() -> crawl(root, scope));    // crawl() forks every link into the same scope
         *     scope.join();                            // at most 16 pages are fetched at once
         * }
         * }</pre>
         *
         * @param limit the most task bodies running at once; positive
         * @param whenFull what a fork beyond the limit does
         * @return this builder
         * @throws IllegalArgumentException if {@code limit} is not positive
         * @throws NullPointerException if {@code whenFull} is null
         */
        public Builder<T, R> maxConcurrency(int limit, WhenFull whenFull) {
            Objects.requireNonNull(whenFull, "whenFull");
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be positive: " + limit);
            }
            this.maxConcurrency = limit;
            this.whenFull = whenFull;
            return this;
        }

        /**
         * Sets what context each fork carries from the forking thread into the task. Default:
         * {@link ContextPropagation#defaults()}; add {@link ScopedValue}s with
         * {@link ContextPropagator#scopedValues(ScopedValue[])}, or pass
         * {@link ContextPropagation#none()}.
         *
         * @param context the propagation
         * @return this builder
         * @throws NullPointerException if {@code context} is null
         */
        public Builder<T, R> context(ContextPropagation context) {
            this.context = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Opens the scope, owned by the calling thread.
         *
         * @return the open scope; close it on this thread
         * @throws IllegalStateException if the policy is a built-in instance already used by
         *     another scope
         */
        @SuppressWarnings("unchecked")
        public Scope<T, R> open() {
            Policy<T, R> chosen = policy == null ? (Policy<T, R>) Policy.allSuccessful() : (Policy<T, R>) policy;
            return Scope.open(this, chosen);
        }
    }
}
