package dev.fearless.test;

import dev.fearless.internal.TimeSource;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * Virtual time for the toolkit's deadlines and timeouts while an exploration runs: a controlled
 * thread reads its schedule's clock and parks on a virtual timer; every other thread gets the
 * system's clock, so installing it changes nothing outside the scenario.
 */
final class VirtualClock implements TimeSource.Clock {

    static final VirtualClock INSTANCE = new VirtualClock();

    private VirtualClock() {}

    @Override
    public long nanoTime() {
        Controlled current = Run.current();
        return current == null || current.run.finished ? System.nanoTime() : current.run.nanoTime();
    }

    @Override
    public Instant now() {
        Controlled current = Run.current();
        return current == null || current.run.finished ? Instant.now() : current.run.now();
    }

    @Override
    public void parkNanos(Object blocker, long nanos) {
        Controlled current = Run.current();
        if (current == null || current.run.finished) {
            LockSupport.parkNanos(blocker, nanos);
        } else {
            current.run.parkNanos(current, blocker, nanos);
        }
    }
}
