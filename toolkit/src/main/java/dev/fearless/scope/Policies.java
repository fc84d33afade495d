package dev.fearless.scope;

import dev.fearless.internal.Threads;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** The built-in {@link Policy} implementations. */
final class Policies {

    /*
     * Implementation overview: every built-in is bound to exactly one scope (BuiltIn.scope, set
     * once by CAS when the scope opens), which both rejects reuse and gives messages the scope's
     * name. Failures are collected lock-free (Failures): the first by one CAS on a field, the
     * others on a Treiber stack, so a policy allocates only when a task fails. The collecting
     * policies keep their tasks in a ConcurrentLinkedQueue, whose insertion order is the order in
     * which forks were accepted.
     */

    private Policies() {}

    /** A built-in policy: bound to one scope. */
    abstract static class BuiltIn<T extends @Nullable Object, R extends @Nullable Object>
            implements Policy<T, R> {

        private static final VarHandle SCOPE;

        static {
            try {
                SCOPE = MethodHandles.lookup().findVarHandle(BuiltIn.class, "scope", Scope.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private volatile @Nullable Scope<?, ?> scope;

        /** Binds this instance to {@code owner}; a second scope is refused. */
        final void bind(Scope<?, ?> owner) {
            Scope<?, ?> previous = (Scope<?, ?>) SCOPE.compareAndExchange(this, null, owner);
            if (previous != null) {
                throw new IllegalStateException(this + " instance already serves " + previous
                        + "; " + Threads.current() + " passed it to a second scope."
                        + " A policy holds the state of one scope: pass a fresh " + this + " to every scope");
            }
        }

        /** Releases the binding of a scope that never opened (its scopeOpened listener threw). */
        final void unbind(Scope<?, ?> owner) {
            SCOPE.compareAndSet(this, owner, null);
        }

        final String scopeDescription() {
            Scope<?, ?> bound = scope;
            return bound == null ? "scope" : bound.toString();
        }
    }

    /** Lock-free collection of failures: the first, then the others in completion order. */
    static final class Failures {
        private static final VarHandle FIRST;
        private static final VarHandle OTHERS;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                FIRST = lookup.findVarHandle(Failures.class, "first", Throwable.class);
                OTHERS = lookup.findVarHandle(Failures.class, "others", Node.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private record Node(Throwable failure, @Nullable Node next) {}

        private volatile @Nullable Throwable first;
        private volatile @Nullable Node others;

        /** Records a failure; returns true if it is the first one. */
        boolean add(Throwable failure) {
            if (FIRST.compareAndSet(this, null, failure)) {
                return true;
            }
            Node head;
            do {
                head = others;
            } while (!OTHERS.compareAndSet(this, head, new Node(failure, head)));
            return false;
        }

        @Nullable Throwable first() {
            return first;
        }

        /** Returns the others, oldest first. */
        List<Throwable> others() {
            List<Throwable> list = new ArrayList<>();
            for (Node node = others; node != null; node = node.next()) {
                list.add(node.failure());
            }
            Collections.reverse(list);
            return list;
        }

        /** The exception join throws: cause = first failure, suppressed = the others. */
        ScopeFailedException exception(String what, Throwable first) {
            List<Throwable> rest = others();
            String more = rest.isEmpty() ? "" : "; " + rest.size() + " more failure"
                    + (rest.size() == 1 ? " is" : "s are") + " suppressed in this exception";
            ScopeFailedException exception = new ScopeFailedException(
                    what + first + more + ". The cause is the task's own exception with its stack trace", first);
            rest.forEach(exception::addSuppressed);
            return exception;
        }
    }

    /** {@link Policy#allSuccessful()}: the first failure makes the scope done. */
    static class AllSuccessful<T extends @Nullable Object> extends BuiltIn<T, @Nullable Void> {
        private final Failures failures = new Failures();

        @Override
        public boolean onComplete(Task<T> task) {
            return task.state() == Task.State.FAILED && failures.add(task.exception());
        }

        @Override
        public @Nullable Void result() {
            Throwable first = failures.first();
            if (first != null) {
                throw failures.exception(scopeDescription()
                        + ": a task failed, so the tasks still running were cancelled. It threw ", first);
            }
            return null;
        }

        @Override
        public String toString() {
            return "Policy.allSuccessful()";
        }
    }

    /** {@link Policy#allSuccessful()} that also returns a permit when a task ends (bounded map). */
    static final class PermitReturning<T extends @Nullable Object> extends AllSuccessful<T> {
        private final Semaphore permits;

        PermitReturning(Semaphore permits) {
            this.permits = permits;
        }

        @Override
        public boolean onComplete(Task<T> task) {
            try {
                return super.onComplete(task);
            } finally {
                permits.release();
            }
        }
    }

    /** {@link Policy#firstSuccess()}: the first success makes the scope done. */
    static final class FirstSuccess<T extends @Nullable Object> extends BuiltIn<T, T> {
        private static final VarHandle WINNER;

        static {
            try {
                WINNER = MethodHandles.lookup().findVarHandle(FirstSuccess.class, "winner", Task.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Failures failures = new Failures();
        private volatile @Nullable Task<T> winner;

        @Override
        public boolean onComplete(Task<T> task) {
            switch (task.state()) {
                case SUCCEEDED -> {
                    return WINNER.compareAndSet(this, null, task);
                }
                case FAILED -> failures.add(task.exception());
                default -> { }
            }
            return false;
        }

        @Override
        public T result() {
            Task<T> won = winner;
            if (won != null) {
                return won.get();
            }
            Throwable first = failures.first();
            if (first != null) {
                throw failures.exception(scopeDescription() + ": no task succeeded. The first failure was ", first);
            }
            throw new ScopeFailedException(scopeDescription() + ": no task succeeded and none failed: every task"
                    + " was cancelled, or none was forked. Fork at least one task that can succeed",
                    new NoSuchElementException("no successful task"));
        }

        @Override
        public String toString() {
            return "Policy.firstSuccess()";
        }
    }

    /** {@link Scope#raceResult(List)}: the first task to end, succeeded or failed, makes the scope done. */
    static final class FirstToFinish<T extends @Nullable Object> extends BuiltIn<T, T> {
        private static final VarHandle FIRST;

        static {
            try {
                FIRST = MethodHandles.lookup().findVarHandle(FirstToFinish.class, "first", Task.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private volatile @Nullable Task<T> first;

        @Override
        public boolean onComplete(Task<T> task) {
            return task.state() != Task.State.CANCELLED && FIRST.compareAndSet(this, null, task);
        }

        @Override
        public T result() {
            Task<T> won = first;
            if (won == null) {
                throw new ScopeFailedException(scopeDescription() + ": no task finished: every task was cancelled",
                        new NoSuchElementException("no finished task"));
            }
            if (won.state() == Task.State.FAILED) {
                throw new ScopeFailedException(scopeDescription() + ": the first task to finish failed, so the"
                        + " others were cancelled. It threw " + won.exception() + ". The cause is the task's own"
                        + " exception with its stack trace", won.exception());
            }
            return won.get();
        }

        @Override
        public String toString() {
            return "raceResult";
        }
    }

    /** {@link Policy#awaitAll()} (no predicate) and {@link Policy#until(Predicate)}. */
    static final class Collecting<T extends @Nullable Object> extends BuiltIn<T, List<Task<T>>> {
        private final @Nullable Predicate<? super Task<T>> isDone;
        private final ConcurrentLinkedQueue<Task<T>> tasks = new ConcurrentLinkedQueue<>();

        Collecting(@Nullable Predicate<? super Task<T>> isDone) {
            this.isDone = isDone;
        }

        @Override
        public void onFork(Task<T> task) {
            tasks.add(task);
        }

        @Override
        public boolean onComplete(Task<T> task) {
            return isDone != null && isDone.test(task);
        }

        @Override
        public List<Task<T>> result() {
            return List.copyOf(tasks);
        }

        @Override
        public List<Task<T>> onTimeout(ScopeTimeoutException timeout) {
            return result();
        }

        @Override
        public String toString() {
            return isDone == null ? "Policy.awaitAll()" : "Policy.until(" + isDone + ")";
        }
    }
}
