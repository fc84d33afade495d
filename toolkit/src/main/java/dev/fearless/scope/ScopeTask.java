package dev.fearless.scope;

import dev.fearless.context.ContextSnapshot;
import dev.fearless.internal.Threads;
import dev.fearless.tracking.Tracking;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The one object allocated per fork besides the thread and the captured context: the public
 * {@link Task} handle, the thread's {@link Runnable}, a node of the scope's task list and the head
 * of its own cancel-hook stack.
 */
final class ScopeTask<T extends @Nullable Object> implements Task<T>, Runnable {

    /*
     * Implementation overview.
     *
     * Outcome. `state` starts RUNNING and is CASed exactly once to SUCCEEDED, FAILED or CANCELLED.
     * Two parties race for that CAS: the task's own thread when the body ended (finish) and any
     * canceller (cancel0). The winner decides; the loser's view is discarded. `result` (the value
     * or the Throwable) is a plain field written before the CAS and read only after a volatile read
     * of a final state, so the CAS publishes it.
     *
     * Hooks. `hooks` is a Treiber stack of HookNodes, or one of two terminal markers. The canceller
     * that won the state CAS swaps in HOOKS_CANCELLED and fires every node; the task thread that won
     * it swaps in HOOKS_DONE (hooks never run). Since only one party wins the state CAS, exactly one
     * of the two swaps happens. A registration that finds HOOKS_CANCELLED fires its hook at once, so
     * "register, then block" never misses a cancellation that raced with it. A node closed by its
     * owner is popped when it is on top (the usual try-with-resources order); removed nodes below
     * an active one are skipped by the next push. A node's `next` never changes after publication.
     *
     * Running. The thread's Runnable is this object; run() is re-entered as the Runnable handed to
     * ScopedValue.Carrier.run (binding CURRENT, so Task.current() and fork() know the task) and to
     * the captured ContextSnapshot, distinguished by `phase`, so no adapter objects are allocated
     * (the binding itself costs the JDK's Carrier and snapshot objects).
     * A task cancelled before its thread started skips the body. finish() always ends with
     * scope.taskTerminated(), in a finally block, whatever the body or the policy throw (Errors
     * included): the scope's live count can never stay above zero for a thread that is gone.
     *
     * Limits and rogue threads. A task of a scope with a
     * maxConcurrency WAIT limit first takes a permit (interruptibly; a cancel interrupts the wait)
     * and gives it back first thing in finish(). A thread its factory started before fork() could
     * count the task finds `launched` unset and returns at once: fork() rejected that thread.
     *
     * Joining. `joiners` is null, a CountDownLatch created by the first joiner, or JOINERS_DONE. The
     * winner of the state CAS swaps in JOINERS_DONE and counts the latch down; a joiner publishes
     * the latch and then re-reads the state (Dekker-style, both volatile), so no wake-up is lost.
     */

    static final ScopedValue<ScopeTask<?>> CURRENT = ScopedValue.newInstance();

    private static final int RUNNING = 0;
    private static final int SUCCEEDED = 1;
    private static final int FAILED = 2;
    private static final int CANCELLED = 3;

    private static final Object HOOKS_CANCELLED = new Object();
    private static final Object HOOKS_DONE = new Object();
    private static final Object JOINERS_DONE = new Object();

    private static final int PHASE_START = 0;
    private static final int PHASE_CONTEXT = 1;
    private static final int PHASE_BODY = 2;
    private static final int PHASE_FINISHED = 3;

    private static final VarHandle STATE;
    private static final VarHandle HOOKS;
    private static final VarHandle JOINERS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(ScopeTask.class, "state", int.class);
            HOOKS = lookup.findVarHandle(ScopeTask.class, "hooks", Object.class);
            JOINERS = lookup.findVarHandle(ScopeTask.class, "joiners", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Scope<?, ?> scope;
    /** A daemon task: join() does not wait for it but cancels it; see Scope#forkDaemon. */
    final boolean daemon;
    /** Nanos at fork when a listener was present, else 0. */
    final long forkNanos;
    /** Set by the forking thread before the task is published; null for a task that never starts. */
    @Nullable Thread thread;
    /** Next (older) task in the scope's task list; see Scope's overview. */
    volatile @Nullable ScopeTask<?> next;
    /** Innermost scope opened by this task's thread and not yet closed; task thread only. */
    @Nullable Scope<?, ?> innermost;

    private @Nullable Object body;                 // Callable or Runnable; dropped when the task ends
    private @Nullable ContextSnapshot context;     // dropped when the task ends
    private volatile int state;
    private @Nullable Object result;               // value or Throwable; published by the state CAS
    private volatile @Nullable Object hooks;       // HookNode stack, HOOKS_CANCELLED or HOOKS_DONE
    private int phase;                             // task thread only
    private boolean bodyRan;                       // task thread only
    private boolean bodyFailed;                    // task thread only
    /** Waits for a permit of the scope's maxConcurrency on its own thread before the body runs. */
    private final boolean waitsForPermit;
    /** Holds a permit of the scope's maxConcurrency: forker until start, then task thread only. */
    boolean permitHeld;
    /** Set by the forker just before thread.start(): a thread started by its factory finds it unset. */
    private volatile boolean launched;
    /** Threads in join(), or JOINERS_DONE once the state is final; see #join. */
    private volatile @Nullable Object joiners;

    ScopeTask(Scope<?, ?> scope, Object body, ContextSnapshot context, long forkNanos, boolean daemon,
            boolean waitsForPermit) {
        this.scope = scope;
        this.daemon = daemon;
        this.waitsForPermit = waitsForPermit;
        this.body = body;
        this.context = context;
        this.forkNanos = forkNanos;
    }

    /** Whether the task is still RUNNING (not yet ended nor cancelled). */
    boolean isRunning() {
        return state == RUNNING;
    }

    static @Nullable ScopeTask<?> currentOrNull() {
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    /** Marks a task forked into a cancelled scope: it never runs. Called before publication. */
    void markNeverStarted() {
        thread = null;
        body = null;
        context = null;
        state = CANCELLED;
        hooks = HOOKS_CANCELLED;
        joiners = JOINERS_DONE;
    }

    /** The thread could not be started: the task fails with {@code failure} unless already cancelled. */
    void startFailed(Throwable failure) {
        thread = null;
        body = null;
        context = null;
        result = failure;
        if (STATE.compareAndSet(this, RUNNING, FAILED)) {
            hooks = HOOKS_DONE;
            releaseJoiners();
        } else {
            result = null;
        }
    }

    /** Whether the task has ended and its thread (if it ever had one) is dead: safe to forget. */
    boolean isTerminated() {
        Thread running = thread;
        return running == null ? state != RUNNING : running.getState() == Thread.State.TERMINATED;
    }

    // ------------------------------------------------------------------ running (task thread)

    @Override
    public void run() {
        switch (phase) {
            case PHASE_START -> runTask();
            case PHASE_CONTEXT -> {
                phase = PHASE_BODY;
                Objects.requireNonNull(context).runWith(this);
            }
            case PHASE_BODY -> runBody();
            default -> throw new IllegalStateException(this + " has already run: a ThreadFactory must start"
                    + " exactly one thread that runs its Runnable once");
        }
    }

    private void runTask() {
        if (!launched) {
            return;                                // started by its ThreadFactory: fork rejected it, it is not ours
        }
        phase = context == ContextSnapshot.EMPTY ? PHASE_BODY : PHASE_CONTEXT;
        Throwable escaped = null;
        try {
            if (state == RUNNING && awaitPermit() && state == RUNNING) {
                ScopedValue.where(CURRENT, this).run(this);
            }
        } catch (Throwable failure) {
            escaped = failure;                     // thrown around the body (context install/restore)
        }
        phase = PHASE_FINISHED;
        finish(escaped);
    }

    /**
     * Waits, interruptibly, for a permit of the scope's maxConcurrency; false when interrupted, which
     * fails the task unless it was cancelled (then the body is skipped as for any cancelled task).
     */
    private boolean awaitPermit() throws InterruptedException {
        Semaphore permits = scope.permits;
        if (!waitsForPermit || permits == null) {
            return true;
        }
        if (permits.tryAcquire(0, TimeUnit.NANOSECONDS)) {   // honours fairness, unlike tryAcquire()
            permitHeld = true;
            return true;
        }
        scope.permitWait(1);
        Tracking.Wait wait = Tracking.enabled()
                ? Tracking.begin(Tracking.Kind.PERMIT, "a maxConcurrency permit of scope \"" + scope.name() + "\"", null)
                : null;
        try {
            permits.acquire();
            permitHeld = true;
            return true;
        } catch (InterruptedException interrupted) {
            if (state == RUNNING) {
                throw interrupted;                 // interrupted without being cancelled: the task fails with it
            }
            return false;
        } finally {
            Tracking.end(wait);
            scope.permitWait(-1);
        }
    }

    /** Marks the task as started by the scope; the forker calls it right before thread.start(). */
    void launch() {
        launched = true;
    }

    /**
     * Gives back the permit of the scope's maxConcurrency, if held: by the task's thread when its
     * body has ended, or by the forker when the fork did not start the thread (WhenFull.REJECT).
     */
    void releasePermit() {
        if (permitHeld) {
            permitHeld = false;
            Objects.requireNonNull(scope.permits).release();
        }
    }

    private void runBody() {
        phase = PHASE_FINISHED;                    // a snapshot that calls its body twice cannot rerun the task
        bodyRan = true;
        Object value;
        boolean failed;
        try {
            Object work = body;
            if (work instanceof Callable<?> callable) {
                value = callable.call();
            } else {
                ((Runnable) Objects.requireNonNull(work)).run();
                value = null;
            }
            failed = false;
        } catch (Throwable failure) {
            value = failure;
            failed = true;
        }
        if (innermost != null) {
            StructureViolationException violation = Scope.closeAbandoned(this);
            if (failed) {
                ((Throwable) Objects.requireNonNull(value)).addSuppressed(violation);
            } else {
                value = violation;
                failed = true;
            }
        }
        result = value;
        bodyFailed = failed;
    }

    private void finish(@Nullable Throwable escaped) {
        releasePermit();                           // before the state is final: a joiner may fork at once
        try {
            int outcome;
            if (escaped != null) {
                if (bodyRan && bodyFailed) {
                    ((Throwable) Objects.requireNonNull(result)).addSuppressed(escaped);
                } else {
                    result = escaped;
                }
                outcome = FAILED;
            } else if (bodyRan) {
                outcome = bodyFailed ? FAILED : SUCCEEDED;
            } else if (state == RUNNING) {
                result = new IllegalStateException("the context snapshot of " + this + " returned without"
                        + " running the task; a ContextSnapshot must run its body exactly once");
                outcome = FAILED;
            } else {
                outcome = CANCELLED;               // cancelled before it started: state already final
            }
            if (outcome != CANCELLED && STATE.compareAndSet(this, RUNNING, outcome)) {
                hooks = HOOKS_DONE;                // only the state-CAS winner touches the marker
                releaseJoiners();
            } else {
                result = null;
            }
            scope.taskEnded(this);
        } finally {
            body = null;
            context = null;
            scope.taskTerminated(daemon);
        }
    }

    // ------------------------------------------------------------------ cancelling

    @Override
    public void cancel() {
        cancel0();
    }

    /** Cancels if still running; returns whether this call did. Never throws. */
    boolean cancel0() {
        if (!STATE.compareAndSet(this, RUNNING, CANCELLED)) {
            return false;
        }
        releaseJoiners();
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
        Object top = HOOKS.getAndSet(this, HOOKS_CANCELLED);
        for (HookNode node = top instanceof HookNode hook ? hook : null; node != null; node = node.next) {
            node.fire();
        }
        return true;
    }

    // ------------------------------------------------------------------ joining

    /** Called by the winner of the state CAS: wakes every thread in join(). */
    private void releaseJoiners() {
        if (JOINERS.getAndSet(this, JOINERS_DONE) instanceof CountDownLatch latch) {
            latch.countDown();
        }
    }

    @Override
    public T join() throws InterruptedException {
        if (state == RUNNING) {
            if (currentOrNull() == this) {
                throw new WrongThreadException(Threads.current() + " called join() on its own task " + this
                        + ", which would wait forever. Return from the task instead, or join it from another thread");
            }
            awaitEnd();
        }
        return result("join()");
    }

    /** Parks until the state is final; the latch is allocated by the first joiner only. */
    private void awaitEnd() throws InterruptedException {
        for (;;) {
            Object current = joiners;
            if (current == JOINERS_DONE) {
                return;
            }
            if (current instanceof CountDownLatch latch) {
                if (state == RUNNING) {            // re-read after the latch is published: no lost wake-up
                    Tracking.Wait wait = Tracking.enabled()
                            ? Tracking.begin(Tracking.Kind.JOIN, "a task in scope \"" + scope.name() + "\"", thread) : null;
                    try {
                        latch.await();
                    } finally {
                        Tracking.end(wait);
                    }
                }
                return;
            }
            JOINERS.compareAndSet(this, null, new CountDownLatch(1));
        }
    }

    @Override
    public CancelHook onCancel(Runnable hook) {
        Objects.requireNonNull(hook, "hook");
        HookNode node = new HookNode(this, hook);
        for (;;) {
            Object top = hooks;
            if (top == HOOKS_CANCELLED) {
                node.fire();
                return node;
            }
            if (top == HOOKS_DONE) {
                node.discard();
                return node;
            }
            HookNode below = (HookNode) top;
            while (below != null && below.isRemoved()) {
                below = below.next;
            }
            node.next = below;
            if (HOOKS.compareAndSet(this, top, node)) {
                return node;
            }
        }
    }

    /** Pops {@code node} if it is on top; otherwise the next push skips it. */
    void unlinkHook(HookNode node) {
        HOOKS.compareAndSet(this, node, node.next);
    }

    // ------------------------------------------------------------------ reading

    @Override
    public State state() {
        return switch (state) {
            case RUNNING -> State.RUNNING;
            case SUCCEEDED -> State.SUCCEEDED;
            case FAILED -> State.FAILED;
            default -> State.CANCELLED;
        };
    }

    @Override
    public T get() {
        return result("get()");
    }

    @SuppressWarnings("unchecked")
    private T result(String operation) {
        int current = state;
        return switch (current) {
            case SUCCEEDED -> (T) result;
            case RUNNING -> throw new IllegalStateException(this + " is still running; "
                    + Threads.current() + " called " + operation + ". Call join() on the scope first"
                    + " (it waits for every task) or on the task, or check state() before get()");
            case FAILED -> throw new IllegalStateException(this + " failed, so it has no result; "
                    + Threads.current() + " called " + operation + ". The cause is the task's exception;"
                    + " check state() or read exception() instead", (Throwable) result);
            default -> throw new CancellationException(this + " was cancelled, so it has no result; "
                    + Threads.current() + " called " + operation + ". Check state() first");
        };
    }

    @Override
    public Throwable exception() {
        if (state == FAILED) {
            return (Throwable) Objects.requireNonNull(result);
        }
        throw new IllegalStateException(this + " did not fail; " + Threads.current()
                + " called exception(). Check state() == FAILED first");
    }

    @Override
    public String toString() {
        return "Task[" + state() + (daemon ? ", daemon" : "") + " in " + scope + "]";
    }
}
