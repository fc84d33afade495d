package dev.fearless.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fearless.lock.OrderedLock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jetbrains.lincheck.Lincheck;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The promise sinks rely on to count in a plain field: an exclusive lock calls
 * {@link LockTelemetry#acquired} of the handles it bound only while it is held, so those calls
 * never overlap, even while the lock's racy binding cache is replaced because the listener set
 * changes. Lincheck explores the interleavings of two lockers and a thread that registers a second
 * listener (forcing rebinds); an owner-written counter that lost an update fails the count.
 */
@Isolated("registers global telemetry listeners")
@Timeout(180)
class BindingLincheckTest {

    private static final int INVOCATIONS = 200;

    /** A handle counting as FearlessMetrics does for an exclusive lock: opaque read, opaque write. */
    static final class PlainCount implements LockTelemetry {
        private static final VarHandle COUNT;

        static {
            try {
                COUNT = MethodHandles.lookup().findVarHandle(PlainCount.class, "count", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unused") // through COUNT
        private long count;

        @Override
        public void acquired(long waitNanos, boolean contended) {
            COUNT.setOpaque(this, (long) COUNT.getOpaque(this) + 1L);
        }

        @Override
        public void released(long heldNanos) {}

        @Override
        public void abandoned(Outcome outcome, long waitNanos) {}

        @Override
        public boolean timesHolds() {
            return false;
        }

        long count() {
            return (long) COUNT.getOpaque(this);
        }
    }

    /** Binds every lock to a fresh counting handle and keeps them all. */
    static final class Counting implements TelemetryListener {
        final List<PlainCount> handles = new CopyOnWriteArrayList<>();

        @Override
        public LockTelemetry bindLock(String lock, @Nullable String lockClass, boolean shared) {
            PlainCount handle = new PlainCount();
            handles.add(handle);
            return handle;
        }

        long total() {
            return handles.stream().mapToLong(PlainCount::count).sum();
        }
    }

    @Test
    void acquisitionsOfOneLockNeverOverlapAcrossRebinding() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            Counting first = new Counting();
            Counting second = new Counting();
            Telemetry.Registration registration = Telemetry.register(first);
            try {
                OrderedLock lock = new OrderedLock("lincheck");
                Runnable twice = () -> {
                    for (int i = 0; i < 2; i++) {
                        lock.lock();
                        lock.unlock();
                    }
                };
                Thread a = Thread.ofPlatform().start(twice);
                Thread b = Thread.ofPlatform().start(twice);
                Thread rebinding = Thread.ofPlatform().start(() -> Telemetry.register(second).close());
                join(a, b, rebinding);
                assertEquals(4, first.total(), "every acquisition counted once by the first listener");
            } finally {
                registration.close();
            }
        });
    }

    private static void join(Thread... threads) {
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
