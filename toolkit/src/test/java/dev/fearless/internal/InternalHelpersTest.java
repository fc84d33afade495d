package dev.fearless.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class InternalHelpersTest {

    @Test
    void durationsFollowTheTimeoutRule() {
        assertEquals(0L, Durations.toNanosSaturated(Duration.ZERO));
        assertEquals(1_500_000L, Durations.toNanosSaturated(Duration.ofNanos(1_500_000)));
        assertEquals(Durations.MAX_NANOS, Durations.toNanosSaturated(Duration.ofSeconds(Long.MAX_VALUE)));
        assertEquals(Durations.MAX_NANOS, Durations.toNanosSaturated(ChronoUnit.FOREVER.getDuration()));
        assertEquals(Durations.MAX_NANOS, Durations.toNanosSaturated(Long.MAX_VALUE, TimeUnit.DAYS, "delay"));
        var negative = assertThrows(IllegalArgumentException.class,
                () -> Durations.toNanosSaturated(Duration.ofSeconds(-1), "period"));
        assertEquals("period must not be negative: PT-1S", negative.getMessage());
        var nul = assertThrows(NullPointerException.class, () -> Durations.toNanosSaturated(null));
        assertEquals("timeout", nul.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Durations.toNanosSaturated(-1, TimeUnit.SECONDS, "delay"));
    }

    @Test
    void deadlinesAndClampsNeverOverflow() {
        long now = System.nanoTime();
        long deadline = Durations.deadline(now, Long.MAX_VALUE);
        assertTrue(deadline - now > 0, "a saturated deadline still lies in the future");
        assertEquals(-Durations.MAX_NANOS, Durations.clampNanos(Duration.ofSeconds(Long.MIN_VALUE)));
        assertEquals(-5L, Durations.clampNanos(Duration.ofNanos(-5)));
    }

    @Test
    void namesMustNotBeBlank() {
        assertEquals("orders", Names.requireValid("orders"));
        var blank = assertThrows(IllegalArgumentException.class, () -> Names.requireValid(" ", "lockClass"));
        assertEquals("lockClass must not be blank: \" \"", blank.getMessage());
        var nul = assertThrows(NullPointerException.class, () -> Names.requireValid(null));
        assertEquals("name", nul.getMessage());
    }

    @Test
    void threadsHaveOneFormat() throws InterruptedException {
        Thread platform = Thread.ofPlatform().name("worker").unstarted(() -> {});
        assertEquals("thread \"worker\" (#" + platform.threadId() + ")", Threads.describe(platform));
        Thread virtual = Thread.ofVirtual().unstarted(() -> {});
        assertEquals("thread #" + virtual.threadId() + " (virtual)", Threads.describe(virtual));
        Thread namedVirtual = Thread.ofVirtual().name("fetch").unstarted(() -> {});
        assertEquals("thread \"fetch\" (#" + namedVirtual.threadId() + ", virtual)", Threads.describe(namedVirtual));
        assertEquals(Threads.describe(Thread.currentThread()), Threads.current());
    }
}
