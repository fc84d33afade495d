package dev.fearless.scope;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registered cancel hook: a node of its task's hook stack and the {@link Task.CancelHook}
 * handed to the caller. Its status moves once from ACTIVE to RAN (claimed by a canceller) or to
 * REMOVED (closed by the caller); whoever wins the CAS decides, so a hook runs at most once and
 * never after a successful close.
 */
final class HookNode implements Task.CancelHook {

    private static final Logger log = LoggerFactory.getLogger(Scope.class);

    private static final int ACTIVE = 0;
    private static final int RAN = 1;
    private static final int REMOVED = 2;

    private static final VarHandle STATUS;

    static {
        try {
            STATUS = MethodHandles.lookup().findVarHandle(HookNode.class, "status", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ScopeTask<?> task;
    private final Runnable hook;
    private volatile int status;
    /** The node below this one in the task's stack; written before the node is published. */
    @Nullable HookNode next;

    HookNode(ScopeTask<?> task, Runnable hook) {
        this.task = task;
        this.hook = hook;
    }

    boolean isRemoved() {
        return status == REMOVED;
    }

    /** Marks the node inert without running it (its task ended normally). */
    void discard() {
        STATUS.compareAndSet(this, ACTIVE, REMOVED);
    }

    /** Runs the hook unless it already ran or was removed; never throws. */
    void fire() {
        if (!STATUS.compareAndSet(this, ACTIVE, RAN)) {
            return;
        }
        try {
            hook.run();
        } catch (Throwable failure) {
            log.warn("Cancel hook {} of {} threw; the remaining hooks still run", hook, task, failure);
        }
    }

    @Override
    public void close() {
        if (STATUS.compareAndSet(this, ACTIVE, REMOVED)) {
            task.unlinkHook(this);
        }
    }

    @Override
    public String toString() {
        String state = switch (status) {
            case ACTIVE -> "registered";
            case RAN -> "ran";
            default -> "removed";
        };
        return "CancelHook[" + state + ", " + hook + "]";
    }
}
