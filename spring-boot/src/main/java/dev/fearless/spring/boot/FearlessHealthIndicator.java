package dev.fearless.spring.boot;

import dev.fearless.lock.Deadlock;
import dev.fearless.lock.DeadlockWatchdog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code fearless} health: DOWN while threads are deadlocked on Fearless locks, with each
 * cycle's locks and the report (threads, locks, stacks) in the details; UP otherwise. Each health
 * request looks for deadlocks itself, with the watchdog's search
 * ({@link DeadlockWatchdog#findDeadlocks()}), so the status needs no watchdog period to change and
 * is UP again once the deadlock is broken.
 *
 * <pre>{@code
 * Health health = new FearlessHealthIndicator(watchdog).health();
 * // {"status":"DOWN","details":{"deadlocks":[{"cycle":["accounts#1","ledger#2"],"report":"..."}]}}
 * }</pre>
 */
public final class FearlessHealthIndicator implements HealthIndicator {

    private final @Nullable DeadlockWatchdog watchdog;

    /**
     * Creates the indicator.
     *
     * @param watchdog the running watchdog, reported in the details, or {@code null} if there is none
     */
    public FearlessHealthIndicator(@Nullable DeadlockWatchdog watchdog) {
        this.watchdog = watchdog;
    }

    /**
     * Looks for deadlocks now.
     *
     * @return DOWN with the cycles if there is a deadlock, UP otherwise
     */
    @Override
    public Health health() {
        List<Deadlock> deadlocks = DeadlockWatchdog.findDeadlocks();
        Health.Builder health = deadlocks.isEmpty() ? Health.up() : Health.down();
        if (!deadlocks.isEmpty()) {
            health.withDetail("deadlocks", deadlocks.stream().map(FearlessHealthIndicator::details).toList());
        }
        return health.withDetail("watchdog", watchdog == null ? "off" : "every " + watchdog.period()).build();
    }

    private static Map<String, Object> details(Deadlock deadlock) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("cycle", deadlock.lockLabels());
        details.put("threads", deadlock.threads().stream().map(Thread::getName).toList());
        details.put("report", deadlock.report());
        return details;
    }
}
