package dev.fearless.bridge;

import dev.fearless.context.ContextPropagation;
import dev.fearless.context.ContextPropagator;
import dev.fearless.context.ContextSnapshot;
import dev.fearless.internal.Durations;
import dev.fearless.internal.Names;
import dev.fearless.internal.Threads;
import dev.fearless.internal.TimeSource;
import dev.fearless.telemetry.ExecutorState;
import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import dev.fearless.tracking.Tracking;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * An executor that runs every task on a new virtual thread, with a name, an optional concurrency
 * limit whose {@link LimitPolicy} is chosen explicitly, context propagation, timers, its own
 * counts, and a graceful {@link #close()}.
 *
 * <pre>{@code
 * try (VirtualExecutor executor = VirtualExecutor.builder()
 *         .name("thumbnails")
 *         .limit(16, LimitPolicy.enqueue())       // at most 16 at once; callers never block
 *         .build()) {
 *     CompletableFuture<Image> thumbnail = executor.submit(() -> render(photo));
 *     thumbnail.thenAccept(cache::put);
 * } // waits for every accepted task, including those still waiting for a permit
 * }</pre>
 *
 * <h2>Limit</h2>
 * Without a limit every task starts at once. With {@link Builder#limit(int, LimitPolicy)} at most
 * {@code limit} tasks run at once: a task holds one permit of a fair {@link Semaphore} while it
 * runs (threads are never pooled). When no permit is free the policy decides, visibly: block the
 * submitter, block it at most a timeout, refuse at once, or accept and let the task's own virtual
 * thread wait. A refused task throws a {@link TaskRejectedException} that names the executor, the
 * limit, the policy and the reason. As with any bounded executor, tasks that wait for other
 * tasks of the same executor can deadlock once every permit is held by a waiting task: a task
 * blocked in {@code execute} under {@code block()}, or one waiting for the result of a task it
 * submitted under {@code enqueue()}. Submit nested work to another executor, or do not wait for it.
 *
 * <h2>Results and cancellation</h2>
 * {@link #submit(Callable)} returns a {@link CompletableFuture} that completes with the task's
 * own result or exception (not wrapped: {@code exceptionNow()} and {@code whenComplete} see the
 * exception the task threw). Unlike the JDK's, its {@code cancel(true)} interrupts the thread
 * running the task; a task cancelled before it starts never runs. Only {@code cancel} stops the
 * task: completing the future by other means ({@code complete}, {@code orTimeout}) leaves it
 * running. An exception thrown by a task given to {@link #execute(Runnable)} goes to its
 * thread's {@link Thread.UncaughtExceptionHandler} before the task counts as ended.
 *
 * <h2>Timers</h2>
 * This is a {@link ScheduledExecutorService}: {@link #schedule(Callable, long, TimeUnit)},
 * {@link #scheduleAtFixedRate} and {@link #scheduleWithFixedDelay} start one virtual thread per
 * timer that sleeps until the task is due and then runs it (there is no scheduler thread). Each
 * run is one task for the limit and the counts. Fixed rate: run {@code n} is due at
 * {@code initialDelay + n * period}; a run that ends late is followed by the next at once, until
 * the schedule has caught up. Fixed delay: each run is due {@code delay} after the previous one
 * ended. Runs of one timer never overlap. A run that throws ends its timer: the future completes
 * exceptionally with that exception, which for a periodic timer also goes to the thread's
 * uncaught-exception handler (nobody reads a periodic timer's result). A run that the limit
 * policy refuses ends the timer with a {@link TaskRejectedException}. Interrupting a timer's
 * thread cancels the timer.
 *
 * <h2>Shutdown</h2>
 * {@link #shutdown()} refuses new tasks and cancels periodic timers (a run in progress finishes);
 * tasks already accepted still run, including those waiting for a permit and delayed one-shot
 * timers, which run when due. {@link #close()} shuts down and waits for all of them; an interrupt
 * while waiting turns it into {@link #shutdownNow()}. {@code shutdownNow()} withdraws the tasks
 * waiting for a permit and the timers that never ran, cancels their futures and returns them; it
 * cancels every other timer and interrupts every other task's thread (a task accepted an instant
 * earlier that had not yet begun runs with its interrupt status set). A submitter blocked for a
 * permit when the executor shuts down is refused with
 * {@link TaskRejectedException.Reason#SHUT_DOWN} once a permit frees up. Like any executor's,
 * {@code close()} called from one of its own tasks waits forever: call {@code shutdown()} there.
 *
 * <h2>Counts</h2>
 * The executor counts without reflection and implements {@link ExecutorState}, the view handed to
 * {@link TelemetryListener#executorCreated}. Every submission ends in exactly one of
 * {@link #rejected()} (never accepted: shut down, refused by the limit policy, no thread, or a
 * {@link ContextPropagator#capture()} that threw, whose exception then reaches the submitter
 * unchanged) or {@link #submitted()}; every accepted task, once ended,
 * in exactly one of {@link #completed()} or {@link #failed()} (thrown, cancelled, or withdrawn by
 * {@code shutdownNow}; a withdrawn task reports {@code executorFinished(CANCELLED, 0)} without
 * {@code executorStarted}). After termination {@code submitted() == completed() + failed()}.
 * This holds when a telemetry listener throws too (the dispatcher rethrows
 * {@link VirtualMachineError}s): an error from {@code executorStarted} fails the task without
 * running it, one from {@code executorSubmitted} reaches the submitter of a task that was
 * accepted and still runs, and one from {@code executorFinished} or {@code executorRejected} is
 * thrown after the count.
 * {@link #waiting()} counts everyone waiting for a permit now: tasks under {@code enqueue()} and
 * submitters blocked under {@code block()} or {@code blockAtMost}; {@link #permitWaitNanos()}
 * sums their waits. A timer is counted per run, from the moment its run holds a permit.
 *
 * <h2>Threads and context</h2>
 * Threads come from the {@link ThreadFactory} given to the builder (default: virtual threads
 * named after the executor); a platform-thread factory makes the executor testable with tools
 * that cannot follow virtual threads. A factory must return a thread that is not started yet; a
 * thread in any other state is refused with {@link TaskRejectedException.Reason#NO_THREAD} and the
 * task does not run on it. The submitting thread's context is captured with the builder's
 * {@link Builder#context ContextPropagation} and installed around the task. The default,
 * {@link ContextPropagation#defaults()}, carries the slf4j MDC <em>and every
 * {@link ContextPropagator} registered with {@link java.util.ServiceLoader}</em>: a propagator on
 * the class path (or provided by a module) applies to every executor built without
 * {@code context(...)}, including the one behind {@link Bridge#async}; pass
 * {@code ContextPropagation.none()}, or {@code none().with(...)} of the propagators wanted, to
 * choose explicitly. The executor does not trust the snapshot: a snapshot that returns without
 * running the task fails it (its future completes exceptionally with an
 * {@link IllegalStateException}; it counts as failed), and one that runs it a second time is
 * refused with an {@code IllegalStateException} thrown into the snapshot.
 *
 * <p>Memory consistency effects: actions in a thread prior to submitting a task happen-before the
 * task begins, and the task's actions happen-before its future completes, before
 * {@link #awaitTermination} or {@link #close()} returns, and before the counts that include it are
 * read.
 */
public final class VirtualExecutor extends AbstractExecutorService implements ScheduledExecutorService, ExecutorState {

    /*
     * Implementation overview.
     *
     * Threads: every task and timer runs on a thread started by a JDK thread-per-task executor
     * (Executors.newThreadPerTaskExecutor over the configured factory). It is the thread
     * container: it tracks the threads (a thread started outside any container would also be
     * tracked by the JDK's root container, a second set per task), interrupts them on
     * shutdownNow, and signals termination when the last one ends after shutdown. This class
     * keeps no per-task registry of its own, so its per-task cost is that executor's plus the
     * ExecutorTask object, the context capture, two LongAdder increments and, only for a task with a
     * future or one that waited for a permit, one CAS on the ExecutorTask.
     *
     * State: `state` holds SHUTDOWN and STOP bits, set with getAndBitwiseOr before the inner
     * executor is shut down. Submission checks SHUTDOWN first (fast refusal); the inner
     * executor's own acceptance check is the authoritative one, so a submission racing
     * shutdown() is either run to completion or refused, never dropped.
     *
     * Slow-path registries (concurrent sets, touched only by tasks that must wait):
     *  - `waiters`: tasks under enqueue() parked for a permit. shutdownNow sets STOP, withdraws
     *    every waiter it finds (ExecutorTask's CAS from NEW decides exactly once), then interrupts all
     *    threads. A waiter woken by that interrupt that was not withdrawn (it registered after the
     *    walk) is still accepted work: it waits for a permit without interruption and runs with
     *    its interrupt status set, like a task that had not yet started when shutdownNow ran.
     *  - `timers`: every live timer. A timer registers, then checks SHUTDOWN; shutdown() sets
     *    SHUTDOWN, then walks the set. Both are volatile, so either the timer is refused or
     *    shutdown() sees it and cancels it if periodic (Dekker).
     *
     * Permits: a fair Semaphore. The fast path is `!hasQueuedThreads() && tryAcquire()` (plain
     * tryAcquire barges even on a fair semaphore), so a newcomer never overtakes a waiter.
     * Under block/blockAtMost/reject the submitter acquires and the task's thread releases when
     * the task ends; under enqueue the task's thread does both. A permit is released before the
     * thread ends, so after termination every permit is free. The permit-wait total is timed
     * only on the slow path; events are timed only when a listener is registered.
     *
     * Counts are LongAdders, summed only when read; `waiting` is touched only by waiters. Every
     * count a task contributes is made on its thread before that thread ends, so it is included
     * once awaitTermination returns. The per-task path takes no lock.
     */

    static final int ACQUIRED = 0;
    static final int FULL = 1;
    static final int TIMED_OUT = 2;
    static final int INTERRUPTED = 3;

    private static final int NOT_ACQUIRED = 0;
    private static final int ACQUIRED_AT_ONCE = 1;
    private static final int ACQUIRED_AFTER_WAIT = 2;

    private static final int UNLIMITED = 0;
    private static final int BLOCK = 1;
    private static final int BLOCK_AT_MOST = 2;
    private static final int REJECT = 3;
    private static final int ENQUEUE = 4;

    private static final int SHUTDOWN = 1;
    private static final int STOP = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(VirtualExecutor.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final int limit;
    private final @Nullable LimitPolicy policy;
    private final int mode;
    private final long timeoutNanos;
    private final @Nullable Semaphore permits;
    private final ThreadFactory threadFactory;
    private final ExecutorService threads;
    private final ContextPropagation propagation;

    private volatile int state;
    private final Set<ExecutorTask> waiters = ConcurrentHashMap.newKeySet();
    private final Set<ScheduledTask<?>> timers = ConcurrentHashMap.newKeySet();

    private final LongAdder submitted = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder permitWaitNanos = new LongAdder();
    private final AtomicInteger waiting = new AtomicInteger(); // blocked submitters and timer runs
    private final AtomicInteger waitingTasks = new AtomicInteger(); // accepted tasks under enqueue()

    private VirtualExecutor(Builder builder) {
        this.name = Telemetry.nameOrDefault(builder.name);
        this.limit = builder.limit;
        this.policy = builder.policy;
        this.mode = switch (builder.policy) {
            case null -> UNLIMITED;
            case LimitPolicy.Block b -> BLOCK;
            case LimitPolicy.BlockAtMost b -> BLOCK_AT_MOST;
            case LimitPolicy.Reject r -> REJECT;
            case LimitPolicy.Enqueue e -> ENQUEUE;
        };
        this.timeoutNanos = builder.policy instanceof LimitPolicy.BlockAtMost(Duration timeout)
                ? Durations.toNanosSaturated(timeout) : 0L;
        this.permits = mode == UNLIMITED ? null : new Semaphore(builder.limit, true);
        ThreadFactory factory = builder.threadFactory;
        this.threadFactory = factory != null ? factory
                : builder.name != null ? Thread.ofVirtual().name(builder.name).factory()
                : Thread.ofVirtual().factory();
        this.threads = Executors.newThreadPerTaskExecutor(factory == null ? threadFactory : runnable -> {
            Gate gate = new Gate(runnable);
            Thread thread = factory.newThread(gate);
            if (thread == null) {
                throw new RejectedExecutionException("thread factory " + factory + " returned null");
            }
            gate.open(factory, thread);
            return thread;
        });
        this.propagation = builder.propagation;
    }

    /**
     * Returns a builder for an unlimited executor named {@link Telemetry#DEFAULT_NAME}, with
     * virtual threads and {@link ContextPropagation#defaults()} until configured otherwise.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ submitting

    /**
     * Runs {@code command} on a new thread, subject to the limit policy. An exception it throws
     * goes to that thread's uncaught-exception handler.
     *
     * @param command the task
     * @throws NullPointerException if {@code command} is null
     * @throws TaskRejectedException if the executor is shut down, the limit policy refuses the
     *     task, or no thread could be started
     */
    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        TelemetryListener listener = Telemetry.listener();
        admit(new ExecutorTask(this, command, capture(listener), listener == null ? 0L : System.nanoTime()), listener);
    }

    /**
     * Runs {@code task} on a new thread, subject to the limit policy, and returns its future: it
     * completes with the task's result or with the exception the task threw, unwrapped, and its
     * {@code cancel(true)} interrupts the running task.
     *
     * @param task the task
     * @param <T> the result type
     * @return the task's future
     * @throws NullPointerException if {@code task} is null
     * @throws TaskRejectedException if the executor is shut down, the limit policy refuses the
     *     task, or no thread could be started
     */
    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        return submitFuture(new TaskFuture<>(task, task));
    }

    /**
     * Runs {@code task} like {@link #submit(Callable)}; its future completes with {@code null}.
     *
     * @param task the task
     * @return the task's future
     * @throws NullPointerException if {@code task} is null
     * @throws TaskRejectedException if the task is refused
     */
    @Override
    public CompletableFuture<?> submit(Runnable task) {
        Objects.requireNonNull(task, "task");
        return submitFuture(new TaskFuture<>(Executors.callable(task), task));
    }

    /**
     * Runs {@code task} like {@link #submit(Callable)}; its future completes with {@code result}.
     *
     * @param task the task
     * @param result the result to complete the future with
     * @param <T> the result type
     * @return the task's future
     * @throws NullPointerException if {@code task} is null
     * @throws TaskRejectedException if the task is refused
     */
    @Override
    public <T> CompletableFuture<T> submit(Runnable task, T result) {
        Objects.requireNonNull(task, "task");
        return submitFuture(new TaskFuture<>(Executors.callable(task, result), task));
    }

    private <T> CompletableFuture<T> submitFuture(TaskFuture<T> future) {
        TelemetryListener listener = Telemetry.listener();
        ExecutorTask task = new ExecutorTask(this, future, capture(listener), listener == null ? 0L : System.nanoTime());
        future.bind(task);
        admit(task, listener);
        return future;
    }

    /**
     * Runs {@code task} like {@link #submit(Callable)} but on a new thread of {@code factory}, for
     * {@link Bridge#async(Callable, ThreadFactory)}: counted and reported as this executor's task.
     * Only for an unlimited executor that is never shut down (Bridge's shared one): the thread is
     * not one of the inner executor's, so termination would not wait for it.
     */
    <T> CompletableFuture<T> submitOn(Callable<T> task, ThreadFactory factory) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(factory, "threadFactory");
        TaskFuture<T> future = new TaskFuture<>(task, task);
        TelemetryListener listener = Telemetry.listener();
        ExecutorTask accepted = new ExecutorTask(this, future, capture(listener), listener == null ? 0L : System.nanoTime());
        future.bind(accepted);
        submitted.increment(); // before the task can end, as in admit
        try {
            Gate gate = new Gate(accepted);
            Thread thread = factory.newThread(gate);
            if (thread == null) {
                throw new IllegalStateException("the thread factory " + factory + " returned null");
            }
            gate.open(factory, thread);
            thread.start();
        } catch (Throwable refused) {
            submitted.decrement();
            rejected.increment();
            if (listener != null) {
                listener.executorRejected(name);
            }
            throw new TaskRejectedException("Executor '" + name + "' rejected a task submitted by " + Threads.current()
                    + ": the thread factory " + factory + " could not start a thread: " + refused, name, limit(),
                    policy, TaskRejectedException.Reason.NO_THREAD, refused);
        }
        if (listener != null) {
            listener.executorSubmitted(name);
        }
        return future;
    }

    /**
     * Captures the submitter's context. A propagator that throws refuses the submission: it counts
     * (and is reported) as rejected, and its exception reaches the submitter unchanged.
     */
    private ContextSnapshot capture(@Nullable TelemetryListener listener) {
        try {
            return propagation.capture();
        } catch (Throwable failure) {
            rejected.increment();
            if (listener != null) {
                try {
                    listener.executorRejected(name);
                } catch (Throwable listenerFailure) {
                    failure.addSuppressed(listenerFailure);
                }
            }
            throw failure;
        }
    }

    private void admit(ExecutorTask task, @Nullable TelemetryListener listener) {
        if (isShutdown()) {
            throw reject(TaskRejectedException.Reason.SHUT_DOWN, listener, null);
        }
        boolean permit = false;
        if (mode != UNLIMITED && mode != ENQUEUE) {
            int status = awaitPermit(mode);
            if (status != ACQUIRED) {
                if (status == INTERRUPTED) {
                    Thread.currentThread().interrupt();
                }
                throw reject(reasonFor(status), listener, null);
            }
            permit = true;
        }
        submitted.increment(); // before the task can end, so submitted() >= ended at all times
        try {
            threads.execute(task);
        } catch (Throwable refused) {
            submitted.decrement();
            if (permit) {
                releasePermit();
            }
            throw refusedToStart(refused, listener);
        }
        if (listener != null) {
            listener.executorSubmitted(name);
        }
    }

    /** The inner executor refused a task or timer: it is shut down, or no thread could be started. */
    private TaskRejectedException refusedToStart(Throwable refused, @Nullable TelemetryListener listener) {
        return isShutdown()
                ? reject(TaskRejectedException.Reason.SHUT_DOWN, listener, null)
                : reject(TaskRejectedException.Reason.NO_THREAD, listener, refused);
    }

    // ------------------------------------------------------------------ running

    /** The body of a task's thread. */
    void runTask(ExecutorTask task) {
        TelemetryListener listener = Telemetry.listener();
        boolean permit = mode != UNLIMITED && mode != ENQUEUE; // the submitter acquired it
        boolean waited = false;
        if (mode == ENQUEUE) {
            int status = acquireInTask(task);
            permit = status != NOT_ACQUIRED;
            waited = status == ACQUIRED_AFTER_WAIT;
        }
        Outcome outcome = Outcome.CANCELLED;
        long startNanos = 0L;
        boolean started = (mode != ENQUEUE || permit) && task.claim(waited);
        try {
            if (started) {
                outcome = Outcome.FAILURE; // unless the body runs: a listener's error from executorStarted
                startNanos = started(listener, task.acceptedNanos);
                outcome = runStarted(task);
            } else {
                task.abandon();
            }
        } catch (Throwable listenerFailure) { // a VirtualMachineError from executorStarted: the body did not run
            if (task.body instanceof TaskFuture<?> future) {
                future.completeExceptionally(listenerFailure);
            }
            throw listenerFailure;
        } finally {
            if (permit) {
                releasePermit();
            }
            count(outcome, listener, started, startNanos);
        }
    }

    /** Runs a claimed task in its context; never throws. */
    private static Outcome runStarted(ExecutorTask task) {
        Throwable failure = null;
        try {
            task.runInContext();
        } catch (Throwable thrown) {
            failure = thrown; // the context, not the task, failed (the task's own failure is its future's)
        }
        if (failure == null && !task.bodyRan()) {
            failure = new IllegalStateException("the context snapshot of " + task + " returned without"
                    + " running the task; a ContextSnapshot must run its body exactly once");
        }
        if (task.body instanceof TaskFuture<?> future) {
            if (failure != null) {
                future.completeExceptionally(failure);
            }
            return future.isCancelled() ? Outcome.CANCELLED
                    : failure != null || future.threw() ? Outcome.FAILURE : Outcome.SUCCESS;
        }
        if (failure != null) {
            reportUncaught(failure);
            return Outcome.FAILURE;
        }
        return Outcome.SUCCESS;
    }

    /**
     * A timer run that holds a permit is accepted: counts and reports it submitted and started.
     *
     * @return its start time, or 0 without a listener
     */
    long timerRunStarted(@Nullable TelemetryListener listener, long dueNanos) {
        submitted.increment();
        if (listener != null) {
            listener.executorSubmitted(name);
        }
        return started(listener, dueNanos);
    }

    /** Reports a start; returns the start time, or 0 without a listener. */
    private long started(@Nullable TelemetryListener listener, long acceptedNanos) {
        if (listener == null) {
            return 0L;
        }
        long now = System.nanoTime();
        listener.executorStarted(name, acceptedNanos == 0L ? 0L : Math.max(0L, now - acceptedNanos));
        return now;
    }

    /** Counts a timer run that ended and releases its permit. */
    void timerRunEnded(@Nullable TelemetryListener listener, Outcome outcome, long startNanos) {
        releasePermit();
        count(outcome, listener, true, startNanos);
    }

    /** Counts an ended task or run; {@code started} is false for a task withdrawn before it ran. */
    private void count(Outcome outcome, @Nullable TelemetryListener listener, boolean started, long startNanos) {
        if (outcome == Outcome.SUCCESS) {
            completed.increment();
        } else {
            failed.increment();
        }
        if (listener != null) {
            listener.executorFinished(name, outcome, started && startNanos != 0L ? System.nanoTime() - startNanos : 0L);
        }
    }

    static void reportUncaught(Throwable failure) {
        Thread current = Thread.currentThread();
        try {
            current.getUncaughtExceptionHandler().uncaughtException(current, failure);
        } catch (Throwable ignored) {
            // as the JVM does with a handler that throws
        }
    }

    // ------------------------------------------------------------------ permits

    /** Waits for a permit as {@code how} says; returns ACQUIRED, FULL, TIMED_OUT or INTERRUPTED. */
    private int awaitPermit(int how) {
        Semaphore p = Objects.requireNonNull(permits);
        if (!p.hasQueuedThreads() && p.tryAcquire()) {
            return ACQUIRED;
        }
        if (how == REJECT) {
            return FULL;
        }
        Tracking.Wait tracked = Tracking.enabled() ? Tracking.permit(this) : null;
        waiting.incrementAndGet();
        long begin = System.nanoTime();
        try {
            if (how == BLOCK_AT_MOST) {
                return p.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS) ? ACQUIRED : TIMED_OUT;
            }
            p.acquire();
            return ACQUIRED;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        } finally {
            permitWaitNanos.add(System.nanoTime() - begin);
            waiting.decrementAndGet();
            Tracking.end(tracked);
        }
    }

    /**
     * Under enqueue(): the task's own thread waits for a permit. Returns false when the task was
     * withdrawn or its wait interrupted (it will not run); a task that shutdownNow's interrupt
     * wakes but did not withdraw still gets a permit and runs, with its interrupt status set.
     */
    private int acquireInTask(ExecutorTask task) {
        Semaphore p = Objects.requireNonNull(permits);
        if (!p.hasQueuedThreads() && p.tryAcquire()) {
            return ACQUIRED_AT_ONCE;
        }
        Tracking.Wait tracked = Tracking.enabled() ? Tracking.permit(this) : null;
        waitingTasks.incrementAndGet();
        waiters.add(task);
        long begin = System.nanoTime();
        try {
            if (task.parkingWithdrawn()) {
                return NOT_ACQUIRED;
            }
            try {
                p.acquire();
                return ACQUIRED_AFTER_WAIT;
            } catch (InterruptedException e) {
                if (task.isWithdrawn() || (state & STOP) == 0) {
                    return NOT_ACQUIRED; // cancelled, listed by shutdownNow, or interrupted by someone else
                }
                p.acquireUninterruptibly();
                Thread.currentThread().interrupt();
                return ACQUIRED_AFTER_WAIT;
            }
        } finally {
            waiters.remove(task);
            permitWaitNanos.add(System.nanoTime() - begin);
            waitingTasks.decrementAndGet();
            Tracking.end(tracked);
        }
    }

    /** A timer run waits for a permit on its own thread; under enqueue() it waits like block(). */
    int acquireForTimer() {
        return mode == UNLIMITED ? ACQUIRED : awaitPermit(mode == ENQUEUE ? BLOCK : mode);
    }

    void releasePermit() {
        Semaphore p = permits;
        if (p != null) {
            p.release();
        }
    }

    /** A task withdrawn before it started may be parked for a permit (enqueue): wake it. */
    void wakeIfWaitingForPermit(Thread thread) {
        if (mode == ENQUEUE) {
            thread.interrupt();
        }
    }

    // ------------------------------------------------------------------ rejecting

    TaskRejectedException rejectRun(int status, @Nullable TelemetryListener listener) {
        return reject(reasonFor(status), listener, null);
    }

    private static TaskRejectedException.Reason reasonFor(int status) {
        return switch (status) {
            case FULL -> TaskRejectedException.Reason.LIMIT_REACHED;
            case TIMED_OUT -> TaskRejectedException.Reason.TIMED_OUT;
            default -> TaskRejectedException.Reason.INTERRUPTED;
        };
    }

    private TaskRejectedException reject(TaskRejectedException.Reason reason, @Nullable TelemetryListener listener,
            @Nullable Throwable cause) {
        rejected.increment();
        if (listener != null) {
            listener.executorRejected(name);
        }
        String why = switch (reason) {
            case LIMIT_REACHED -> "all " + limit + " permits are in use and its limit policy is " + policy
                    + ". Raise the limit, retry later, or choose LimitPolicy.block(), blockAtMost(timeout)"
                    + " or enqueue() to wait instead.";
            case TIMED_OUT -> "no permit became free within " + Duration.ofNanos(timeoutNanos) + " (limit " + limit
                    + ", " + policy + "). Raise the limit or the timeout, or retry later.";
            case INTERRUPTED -> "the thread was interrupted while waiting for a permit (limit " + limit + ", "
                    + policy + "); its interrupt status is set again.";
            case SHUT_DOWN -> "the executor is shut down. Submit tasks before shutdown() or close().";
            case NO_THREAD -> "its thread factory " + threadFactory
                    + (cause == null ? " returned null." : " could not start a thread: " + cause);
        };
        String message = "Executor '" + name + "' rejected a task submitted by "
                + Threads.current() + ": " + why;
        return new TaskRejectedException(message, name, limit(), policy, reason, cause);
    }

    // ------------------------------------------------------------------ timers

    /**
     * Runs {@code command} once after {@code delay} on a timer thread of this executor.
     *
     * @param command the task
     * @param delay the delay; zero or negative runs it at once
     * @param unit the unit of {@code delay}
     * @return a future that completes with {@code null} after the run, or with its exception
     * @throws NullPointerException if {@code command} or {@code unit} is null
     * @throws TaskRejectedException if the executor is shut down or no thread could be started
     */
    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(unit, "unit");
        return startTimer(Executors.callable(command), command, delay, unit, 0L);
    }

    /**
     * Runs {@code callable} once after {@code delay} on a timer thread of this executor.
     *
     * @param callable the task
     * @param delay the delay; zero or negative runs it at once
     * @param unit the unit of {@code delay}
     * @param <V> the result type
     * @return a future that completes with the task's result, or with its exception
     * @throws NullPointerException if {@code callable} or {@code unit} is null
     * @throws TaskRejectedException if the executor is shut down or no thread could be started
     */
    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        Objects.requireNonNull(callable, "callable");
        Objects.requireNonNull(unit, "unit");
        return startTimer(callable, callable, delay, unit, 0L);
    }

    /**
     * Runs {@code command} at a fixed rate: first after {@code initialDelay}, then every
     * {@code period} counted from the previous due time (see the class documentation), until it
     * is cancelled, throws, or the executor shuts down.
     *
     * @param command the task
     * @param initialDelay the delay before the first run; zero or negative runs it at once
     * @param period the time between due times; must be positive
     * @param unit the unit of {@code initialDelay} and {@code period}
     * @return a future that never completes normally: it is cancelled, or completes with the
     *     exception of the run that failed
     * @throws NullPointerException if {@code command} or {@code unit} is null
     * @throws IllegalArgumentException if {@code period} is not positive
     * @throws TaskRejectedException if the executor is shut down or no thread could be started
     */
    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(unit, "unit");
        return startTimer(Executors.callable(command), command, initialDelay, unit, positiveNanos("period", period, unit));
    }

    /**
     * Runs {@code command} with a fixed delay: first after {@code initialDelay}, then each time
     * {@code delay} after the previous run ended, until it is cancelled, throws, or the executor
     * shuts down.
     *
     * @param command the task
     * @param initialDelay the delay before the first run; zero or negative runs it at once
     * @param delay the time from the end of one run to the start of the next; must be positive
     * @param unit the unit of {@code initialDelay} and {@code delay}
     * @return a future that never completes normally: it is cancelled, or completes with the
     *     exception of the run that failed
     * @throws NullPointerException if {@code command} or {@code unit} is null
     * @throws IllegalArgumentException if {@code delay} is not positive
     * @throws TaskRejectedException if the executor is shut down or no thread could be started
     */
    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(unit, "unit");
        return startTimer(Executors.callable(command), command, initialDelay, unit, -positiveNanos("delay", delay, unit));
    }

    private static long positiveNanos(String argument, long value, TimeUnit unit) {
        if (value <= 0) {
            throw new IllegalArgumentException(argument + " must be positive: " + value + " " + unit);
        }
        return Durations.toNanosSaturated(value, unit, argument);
    }

    private <V> ScheduledFuture<V> startTimer(Callable<V> callable, Object submittedForm, long delay, TimeUnit unit,
            long period) {
        TelemetryListener listener = Telemetry.listener();
        if (isShutdown()) {
            throw reject(TaskRejectedException.Reason.SHUT_DOWN, listener, null);
        }
        long delayNanos = Math.clamp(unit.toNanos(delay), 0L, Durations.MAX_NANOS); // zero or negative: at once
        ScheduledTask<V> timer = new ScheduledTask<>(this, callable, submittedForm, capture(listener),
                TimeSource.nanoTime() + delayNanos, period);
        timers.add(timer);
        if (isShutdown()) {
            timers.remove(timer);
            throw reject(TaskRejectedException.Reason.SHUT_DOWN, listener, null);
        }
        try {
            threads.execute(timer);
        } catch (Throwable refused) {
            timers.remove(timer);
            throw refusedToStart(refused, listener);
        }
        return timer;
    }

    /** The end of a timer's thread. */
    void timerEnded(ScheduledTask<?> timer) {
        timers.remove(timer);
    }

    static Runnable asRunnable(Callable<?> callable) {
        return new Runnable() {
            @Override
            public void run() {
                try {
                    callable.call();
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }

            @Override
            public String toString() {
                return callable.toString();
            }
        };
    }

    // ------------------------------------------------------------------ shutting down

    /**
     * Refuses new tasks and cancels periodic timers; tasks already accepted still run, including
     * those waiting for a permit and one-shot timers, which run when due. Does not wait.
     */
    @Override
    public void shutdown() {
        int previous = (int) STATE.getAndBitwiseOr(this, SHUTDOWN);
        if ((previous & SHUTDOWN) == 0) {
            for (ScheduledTask<?> timer : timers) {
                timer.onShutdown();
            }
        }
        threads.shutdown();
    }

    /**
     * Refuses new tasks, withdraws every task that has not started and cancels its future,
     * interrupts running tasks and cancels every timer. Does not wait. A task that was accepted
     * but had not begun when this method ran, and is not in the returned list, still runs, with
     * its interrupt status set.
     *
     * @return the withdrawn tasks, in no particular order, each as it was submitted: the
     *     {@code Runnable} given to {@code execute}, {@code submit} or {@code schedule}, or for a
     *     {@code Callable} a {@code Runnable} that calls it
     */
    @Override
    public List<Runnable> shutdownNow() {
        STATE.getAndBitwiseOr(this, SHUTDOWN | STOP);
        List<Runnable> neverStarted = new ArrayList<>();
        for (ExecutorTask task : waiters) {
            task.withdraw(neverStarted);
        }
        for (ScheduledTask<?> timer : timers) {
            timer.stop(neverStarted);
        }
        threads.shutdownNow(); // interrupts every thread: running tasks, waiters, timers
        return neverStarted;
    }

    /**
     * Shuts down and waits until every accepted task and timer has ended. If interrupted while
     * waiting it calls {@link #shutdownNow()}, keeps waiting, and returns with the interrupt
     * status set. Like any executor, it waits forever when called from one of its own tasks.
     */
    @Override
    public void close() {
        if (isTerminated()) {
            return;
        }
        shutdown();
        boolean interrupted = false;
        while (!isTerminated()) {
            try {
                threads.awaitTermination(1L, TimeUnit.DAYS);
            } catch (InterruptedException e) {
                if (!interrupted) {
                    shutdownNow();
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Returns whether {@link #shutdown()}, {@link #shutdownNow()} or {@link #close()} was called.
     *
     * @return whether the executor refuses new tasks
     */
    @Override
    public boolean isShutdown() {
        return (state & SHUTDOWN) != 0;
    }

    /**
     * Returns whether the executor is shut down and every accepted task and timer has ended.
     *
     * @return whether the executor has terminated
     */
    @Override
    public boolean isTerminated() {
        return threads.isTerminated();
    }

    /**
     * Waits until the executor has terminated, or the timeout passes.
     *
     * @param timeout the longest to wait
     * @param unit the unit of {@code timeout}
     * @return {@code true} if terminated, {@code false} if the timeout passed first
     * @throws InterruptedException if interrupted while waiting
     */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return threads.awaitTermination(timeout, unit);
    }

    // ------------------------------------------------------------------ state

    @Override
    public String name() {
        return name;
    }

    /**
     * Returns the concurrency limit.
     *
     * @return the limit, or {@link Integer#MAX_VALUE} when unlimited
     */
    @Override
    public int limit() {
        return permits == null ? Integer.MAX_VALUE : limit;
    }

    /**
     * Returns the limit policy.
     *
     * @return the policy, or {@code null} when the executor is unlimited
     */
    public @Nullable LimitPolicy policy() {
        return policy;
    }

    /**
     * Returns how many accepted tasks are running now: an estimate taken without locking,
     * {@code submitted - completed - failed - (tasks waiting for a permit)}, which also counts a
     * task whose thread is starting or ending.
     *
     * @return the running count, never negative
     */
    @Override
    public int running() {
        long ended = completed.sum() + failed.sum();
        return (int) Math.clamp(submitted.sum() - ended - waitingTasks.get(), 0L, Integer.MAX_VALUE);
    }

    /**
     * Returns how many wait for a permit now: accepted tasks under {@link LimitPolicy#enqueue()}
     * and timer runs, and submitters blocked under {@link LimitPolicy#block()} or
     * {@link LimitPolicy#blockAtMost}.
     *
     * @return the waiting count
     */
    @Override
    public int waiting() {
        return Math.max(0, waiting.get() + waitingTasks.get());
    }

    @Override
    public long submitted() {
        return submitted.sum();
    }

    @Override
    public long completed() {
        return completed.sum();
    }

    @Override
    public long failed() {
        return failed.sum();
    }

    @Override
    public long rejected() {
        return rejected.sum();
    }

    /**
     * Returns the total time tasks and submitters have spent waiting for a permit, including
     * waits that ended in a refusal.
     *
     * @return the cumulative wait in nanoseconds
     */
    public long permitWaitNanos() {
        return permitWaitNanos.sum();
    }

    /** Free permits now, {@link Integer#MAX_VALUE} when unlimited; for tests that check for leaks. */
    int availablePermits() {
        Semaphore p = permits;
        return p == null ? Integer.MAX_VALUE : p.availablePermits();
    }

    @Override
    public String toString() {
        String phase = isTerminated() ? "terminated" : isShutdown() ? "shutting down" : "running";
        return "VirtualExecutor[" + name + ", " + phase
                + (permits == null ? ", unlimited" : ", limit " + limit + " " + policy)
                + ", running " + running() + ", waiting " + waiting() + ", submitted " + submitted()
                + ", completed " + completed() + ", failed " + failed() + ", rejected " + rejected() + "]";
    }

    /**
     * What a user's thread factory receives: runs the executor's runnable only once the factory
     * has returned a thread that was not started yet. A factory that starts the thread itself
     * (against the {@link ThreadFactory} contract) gets an {@link IllegalStateException} (the
     * submission is rejected with NO_THREAD) and the task never runs on that thread, whether that
     * thread reaches the gate before or after the check.
     */
    private static final class Gate implements Runnable {
        private static final int PENDING = 0;
        private static final int OPEN = 1;
        private static final int RAN = 2;
        private static final int REFUSED = 3;
        private static final VarHandle GATE;

        static {
            try {
                GATE = MethodHandles.lookup().findVarHandle(Gate.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Runnable runnable;
        private volatile int state;

        Gate(Runnable runnable) {
            this.runnable = runnable;
        }

        /** Checks the thread the factory returned; throws if the factory started it. */
        void open(ThreadFactory factory, Thread thread) {
            try {
                Factories.requireUnstarted(factory, thread);
            } catch (IllegalStateException started) {
                state = REFUSED;
                throw started;
            }
            if (!GATE.compareAndSet(this, PENDING, OPEN)) { // the factory ran the gate on another thread
                throw new IllegalStateException("the thread factory " + factory + " ran its Runnable before"
                        + " returning; a ThreadFactory must return a thread that is not started yet");
            }
        }

        /** Runs the executor's runnable at most once, and only after {@link #open} accepted the thread. */
        @Override
        public void run() {
            if (GATE.compareAndSet(this, OPEN, RAN)) {
                runnable.run();
            } else {
                GATE.compareAndSet(this, PENDING, REFUSED); // ran before the check: the check refuses
            }
        }

        @Override
        public String toString() {
            return runnable.toString();
        }
    }

    // ------------------------------------------------------------------ builder

    /**
     * Configures a {@link VirtualExecutor}. Not thread-safe; each {@link #build()} returns a new
     * executor.
     *
     * <pre>{@code
     * VirtualExecutor executor = VirtualExecutor.builder()
     *         .name("search")
     *         .limit(8, LimitPolicy.reject())
     *         .context(ContextPropagation.defaults().with(ContextPropagator.scopedValues(USER)))
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private @Nullable String name;
        private int limit = Integer.MAX_VALUE;
        private @Nullable LimitPolicy policy;
        private @Nullable ThreadFactory threadFactory;
        private ContextPropagation propagation = ContextPropagation.defaults();

        private Builder() {}

        /**
         * Names the executor: the {@code name} tag of its telemetry, the prefix of its messages,
         * and the name of its threads when no thread factory is given.
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
         * Limits how many tasks run at once, and says what happens to a task submitted while all
         * {@code maxConcurrent} permits are in use.
         *
         * @param maxConcurrent the most tasks that run at once; must be positive
         * @param policy what happens when the limit is reached
         * @return this builder
         * @throws NullPointerException if {@code policy} is null
         * @throws IllegalArgumentException if {@code maxConcurrent} is not positive
         */
        public Builder limit(int maxConcurrent, LimitPolicy policy) {
            Objects.requireNonNull(policy, "policy");
            if (maxConcurrent <= 0) {
                throw new IllegalArgumentException("maxConcurrent must be positive: " + maxConcurrent);
            }
            this.limit = maxConcurrent;
            this.policy = policy;
            return this;
        }

        /**
         * Sets the factory of the threads that run tasks and timers; one thread per task. Use
         * {@code Thread.ofPlatform().factory()} to test with tools that cannot follow virtual
         * threads.
         *
         * @param threadFactory the thread factory
         * @return this builder
         * @throws NullPointerException if {@code threadFactory} is null
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /**
         * Sets the context carried from the submitting thread into each task. Without this call
         * the executor uses {@link ContextPropagation#defaults()}: the slf4j MDC and every
         * propagator registered with {@link java.util.ServiceLoader}.
         *
         * @param context the propagation; {@link ContextPropagation#none()} carries nothing
         * @return this builder
         * @throws NullPointerException if {@code context} is null
         */
        public Builder context(ContextPropagation context) {
            this.propagation = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Creates the executor and reports it to the registered telemetry listeners.
         *
         * @return a new executor, accepting tasks
         */
        public VirtualExecutor build() {
            VirtualExecutor executor = new VirtualExecutor(this);
            TelemetryListener listener = Telemetry.listener();
            if (listener != null) {
                listener.executorCreated(executor);
            }
            return executor;
        }
    }
}
