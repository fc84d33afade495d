package dev.fearless.telemetry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.channel.Channel;
import dev.fearless.lock.OrderedLock;
import dev.fearless.lock.OrderedReadWriteLock;
import dev.fearless.testing.ThreadKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Locks and channels bind their events once per listener set: the handle a listener returns is
 * used for every later event, hold times go only to handles that ask for them, and a listener's
 * failure while binding or handling is isolated like any other listener failure.
 */
@Isolated("registers global telemetry listeners")
@Timeout(30)
class BindingTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private final List<Telemetry.Registration> registrations = new ArrayList<>();

    private void register(TelemetryListener listener) {
        registrations.add(Telemetry.register(listener));
    }

    @AfterEach
    void unregister() {
        registrations.forEach(Telemetry.Registration::close);
    }

    /** A listener binding every lock to one counting handle and recording the bind calls. */
    static final class Binding implements TelemetryListener {
        final List<String> binds = new CopyOnWriteArrayList<>();
        final Handle handle;
        final ChannelHandle channelHandle = new ChannelHandle();

        Binding(boolean timesHolds) {
            handle = new Handle(timesHolds);
        }

        @Override
        public LockTelemetry bindLock(String lock, @Nullable String lockClass, boolean shared) {
            binds.add(lock + (shared ? " shared" : " exclusive"));
            return handle;
        }

        @Override
        public ChannelTelemetry bindChannel(String channel) {
            binds.add("channel " + channel);
            return channelHandle;
        }
    }

    static class Handle implements LockTelemetry {
        final boolean timesHolds;
        final AtomicInteger acquired = new AtomicInteger();
        final AtomicInteger contended = new AtomicInteger();
        final List<Long> waits = new CopyOnWriteArrayList<>();
        final List<Long> held = new CopyOnWriteArrayList<>();
        final AtomicInteger abandoned = new AtomicInteger();

        Handle(boolean timesHolds) {
            this.timesHolds = timesHolds;
        }

        @Override
        public void acquired(long waitNanos, boolean wasContended) {
            acquired.incrementAndGet();
            waits.add(waitNanos);
            if (wasContended) {
                contended.incrementAndGet();
            }
        }

        @Override
        public void released(long heldNanos) {
            held.add(heldNanos);
        }

        @Override
        public void abandoned(Outcome outcome, long waitNanos) {
            abandoned.incrementAndGet();
        }

        @Override
        public boolean timesHolds() {
            return timesHolds;
        }
    }

    static final class ChannelHandle implements ChannelTelemetry {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong received = new AtomicLong();

        @Override
        public void sent(long blockedNanos) {
            sent.incrementAndGet();
        }

        @Override
        public void received(long blockedNanos) {
            received.incrementAndGet();
        }
    }

    @Test
    void aLockBindsOnceAndAgainWhenTheListenerSetChanges() {
        Binding first = new Binding(false);
        register(first);
        OrderedLock lock = new OrderedLock("ledger");
        for (int i = 0; i < 5; i++) {
            lock.lock();
            lock.unlock();
        }
        assertEquals(List.of("ledger exclusive"), first.binds, "one bind for five acquisitions");
        assertEquals(5, first.handle.acquired.get());
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L), first.handle.waits, "uncontended: zero, no clock read");

        Binding second = new Binding(false);
        register(second);
        lock.lock();
        lock.unlock();
        assertEquals(List.of("ledger exclusive", "ledger exclusive"), first.binds, "rebound for the new set");
        assertEquals(List.of("ledger exclusive"), second.binds);
        assertEquals(6, first.handle.acquired.get());
        assertEquals(1, second.handle.acquired.get());
    }

    @Test
    void holdsAreTimedOnlyForHandlesThatAskAndReleasesReachOnlyThem() {
        Binding untimed = new Binding(false);
        Binding timed = new Binding(true);
        register(untimed);
        register(timed);
        OrderedLock lock = new OrderedLock("ledger");
        lock.lock();
        lock.lock();                        // reentrant: not an outermost hold, not reported
        lock.unlock();
        lock.unlock();
        assertEquals(1, untimed.handle.acquired.get());
        assertEquals(1, timed.handle.acquired.get());
        assertEquals(List.of(), untimed.handle.held, "a handle that does not time holds gets no release");
        assertEquals(1, timed.handle.held.size());
        assertTrue(timed.handle.held.getFirst() >= 0);
    }

    @Test
    void withOnlyUntimedHandlesAReleaseReportsNothing() {
        Binding untimed = new Binding(false);
        register(untimed);
        OrderedLock lock = new OrderedLock("ledger");
        lock.lock();
        lock.unlock();
        // registering a timing listener while nothing is held: the next hold is timed
        Binding timed = new Binding(true);
        register(timed);
        lock.lock();
        lock.unlock();
        assertEquals(List.of(), untimed.handle.held);
        assertEquals(1, timed.handle.held.size());
    }

    @Test
    void theDefaultBindingTimesHoldsOnlyForListenersThatOverrideLockReleased() {
        List<String> events = new CopyOnWriteArrayList<>();
        TelemetryListener acquisitionsOnly = new TelemetryListener() {
            @Override
            public void lockAcquired(String lock, @Nullable String lockClass, long waitNanos, boolean contended) {
                events.add("acquired " + lock);
            }
        };
        TelemetryListener releases = new TelemetryListener() {
            @Override
            public void lockReleased(String lock, long heldNanos) {
                events.add("released " + lock);
            }
        };
        assertFalse(acquisitionsOnly.bindLock("l", null, false).timesHolds());
        assertTrue(releases.bindLock("l", null, false).timesHolds());
        register(acquisitionsOnly);
        register(releases);
        OrderedLock lock = new OrderedLock("ledger");
        lock.lock();
        lock.unlock();
        assertEquals(List.of("acquired ledger", "released ledger"), events);
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aContendedAcquisitionReportsItsWait(ThreadKind kind) throws InterruptedException {
        Binding binding = new Binding(false);
        register(binding);
        OrderedLock lock = new OrderedLock("ledger");
        lock.lock();
        CountDownLatch done = new CountDownLatch(1);
        Thread waiter = kind.builder().start(() -> {
            lock.lock();
            lock.unlock();
            done.countDown();
        });
        await().atMost(PATIENCE).until(() -> lock.getQueueLength() == 1);
        lock.unlock();
        assertTrue(done.await(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
        waiter.join(PATIENCE);
        assertEquals(2, binding.handle.acquired.get());
        assertEquals(1, binding.handle.contended.get());
        assertTrue(binding.handle.waits.stream().allMatch(w -> w >= 0), binding.handle.waits.toString());
    }

    @Test
    void theReadViewBindsSeparatelyAsShared() {
        Binding binding = new Binding(false);
        register(binding);
        OrderedReadWriteLock lock = new OrderedReadWriteLock("table");
        lock.readLock().lock();
        lock.readLock().unlock();
        lock.writeLock().lock();
        lock.writeLock().unlock();
        assertEquals(List.of("table shared", "table exclusive"), binding.binds);
        assertEquals(2, binding.handle.acquired.get());
    }

    @Test
    void aChannelBindsOnce() {
        Binding binding = new Binding(false);
        register(binding);
        Channel<Integer> channel = Channel.buffered(4, "jobs");
        for (int i = 0; i < 3; i++) {
            assertTrue(channel.trySend(i));
            assertTrue(channel.tryReceive().isPresent());
        }
        assertEquals(List.of("channel jobs"), binding.binds);
        assertEquals(3, binding.channelHandle.sent.get());
        assertEquals(3, binding.channelHandle.received.get());
    }

    @Test
    void aListenerThatThrowsWhileBindingLosesThatLocksEventsAndNobodyElseIsHurt() {
        register(new TelemetryListener() {
            @Override
            public LockTelemetry bindLock(String lock, @Nullable String lockClass, boolean shared) {
                throw new IllegalStateException("broken bind");
            }
        });
        Binding healthy = new Binding(false);
        register(healthy);
        OrderedLock lock = new OrderedLock("ledger");
        lock.lock();
        assertTrue(lock.isHeldByCurrentThread());
        lock.unlock();
        assertEquals(1, healthy.handle.acquired.get());
    }

    @Test
    void aVirtualMachineErrorWhileBindingLeavesTheLockFree() {
        register(new TelemetryListener() {
            @Override
            public LockTelemetry bindLock(String lock, @Nullable String lockClass, boolean shared) {
                throw new StackOverflowError("simulated");
            }
        });
        OrderedLock lock = new OrderedLock("ledger");
        assertThrows(StackOverflowError.class, lock::lock);
        assertFalse(lock.isLocked(), "the failed lock() holds nothing");
        unregister();
        registrations.clear();
        lock.lock();                        // and the lock keeps working
        lock.unlock();
        assertFalse(lock.isLocked());
    }

    @Test
    void aHandleThatThrowsIsIsolated() {
        register(new TelemetryListener() {
            @Override
            public LockTelemetry bindLock(String lock, @Nullable String lockClass, boolean shared) {
                return new Handle(true) {
                    @Override
                    public void acquired(long waitNanos, boolean wasContended) {
                        throw new IllegalStateException("broken handle");
                    }
                };
            }
        });
        Binding healthy = new Binding(false);
        register(healthy);
        OrderedLock lock = new OrderedLock("ledger");
        lock.lock();
        lock.unlock();
        lock.lock();
        lock.unlock();
        assertEquals(2, healthy.handle.acquired.get());
        assertFalse(lock.isLocked());
    }
}
