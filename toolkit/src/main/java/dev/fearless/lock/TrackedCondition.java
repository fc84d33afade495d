package dev.fearless.lock;

import dev.fearless.telemetry.LockTelemetry;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * A condition of a {@link RankedLock}: the JDK condition underneath, plus bookkeeping around each
 * wait. The JDK condition releases and re-acquires the lock without going through
 * {@link RankedLock#unlock()} and {@link RankedLock#lock()}, so this wrapper reports the release
 * and the re-acquisition to telemetry and registers the thread as waiting for the lock, so that
 * the deadlock watchdog sees it once it is signalled and queued for the lock again. The thread's
 * entry in the lock-order checker's held list stays: it will hold the lock again when the wait
 * ends, and takes no other lock meanwhile.
 */
final class TrackedCondition implements Condition {

    private final RankedLock lock;
    private final Condition delegate;

    TrackedCondition(RankedLock lock, Condition delegate) {
        this.lock = lock;
        this.delegate = delegate;
    }

    @Override
    public void await() throws InterruptedException {
        boolean entered = enter();
        try {
            delegate.await();
        } finally {
            exit(entered);
        }
    }

    @Override
    public void awaitUninterruptibly() {
        boolean entered = enter();
        try {
            delegate.awaitUninterruptibly();
        } finally {
            exit(entered);
        }
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        boolean entered = enter();
        try {
            return delegate.awaitNanos(nanosTimeout);
        } finally {
            exit(entered);
        }
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        boolean entered = enter();
        try {
            return delegate.await(time, unit);
        } finally {
            exit(entered);
        }
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        boolean entered = enter();
        try {
            return delegate.awaitUntil(deadline);
        } finally {
            exit(entered);
        }
    }

    @Override
    public void signal() {
        delegate.signal();
    }

    @Override
    public void signalAll() {
        delegate.signalAll();
    }

    /** Returns false when the lock is not held: the delegate then throws IllegalMonitorStateException. */
    private boolean enter() {
        if (!lock.isHeldByCurrentThread()) {
            return false;
        }
        TelemetryListener listener = Telemetry.listener();
        if (listener != null) {
            long acquiredAt = lock.takeAcquired();
            if (acquiredAt != RankedLock.NOT_TIMED) {
                lock.telemetry(listener).released(System.nanoTime() - acquiredAt);
            }
        }
        RankedLock.WAITING.put(Thread.currentThread(), lock);
        return true;
    }

    private void exit(boolean entered) {
        if (!entered) {
            return;
        }
        RankedLock.WAITING.remove(Thread.currentThread());
        TelemetryListener listener = Telemetry.listener();
        if (listener != null) {
            LockTelemetry events = lock.telemetry(listener);
            if (events.timesHolds()) {
                lock.markAcquired(System.nanoTime());
            }
            events.acquired(0, false);
        }
    }

    @Override
    public String toString() {
        return "Condition of " + lock;
    }
}
