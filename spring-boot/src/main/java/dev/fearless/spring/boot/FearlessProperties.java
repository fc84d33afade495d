package dev.fearless.spring.boot;

import dev.fearless.lock.LockOrderChecker;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code fearless.*} configuration properties.
 *
 * <pre>{@code
 * // application.properties:
 * //   fearless.executor.limit=64
 * //   fearless.executor.policy=block-at-most
 * //   fearless.executor.block-timeout=200ms
 * //   fearless.locks.checker=warn
 * @Autowired FearlessProperties properties;
 *
 * int limit = properties.getExecutor().getLimit();   // 64
 * }</pre>
 */
@ConfigurationProperties(prefix = "fearless")
public class FearlessProperties {

    private final Metrics metrics = new Metrics();
    private final Observations observations = new Observations();
    private final Executor executor = new Executor();
    private final Locks locks = new Locks();

    /** Creates the properties with their defaults. */
    public FearlessProperties() {}

    /**
     * Returns the {@code fearless.metrics.*} properties.
     *
     * @return the meter options
     */
    public Metrics getMetrics() {
        return metrics;
    }

    /**
     * Returns the {@code fearless.observations.*} properties.
     *
     * @return the observation options
     */
    public Observations getObservations() {
        return observations;
    }

    /**
     * Returns the {@code fearless.executor.*} properties.
     *
     * @return the executor options
     */
    public Executor getExecutor() {
        return executor;
    }

    /**
     * Returns the {@code fearless.locks.*} properties.
     *
     * @return the lock options
     */
    public Locks getLocks() {
        return locks;
    }

    /** {@code fearless.metrics.*}: the {@code fearless.*} meters in the application's MeterRegistry. */
    public static class Metrics {
        /** Whether to bind the fearless.* meters to the application's MeterRegistry. */
        private boolean enabled = true;

        /**
         * Most distinct component names per kind (scopes, locks, channels, handles, executors);
         * further names are counted under "other".
         */
        private int maxNames = 1_000;

        /** Whether to publish percentile histograms for the lock wait and hold, channel blocked and executor idle timers. */
        private boolean percentileHistograms;

        /** Whether lock series are named by lock class (one series per role) instead of per lock. */
        private boolean tagLocksByClass;
        private boolean timeLockHolds;

        /** Creates the defaults. */
        public Metrics() {}

        /**
         * Returns whether the meters are bound.
         *
         * @return {@code true} by default
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether the meters are bound.
         *
         * @param enabled whether to bind them
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * Returns the cap on distinct component names per kind.
         *
         * @return the cap, 1,000 by default
         */
        public int getMaxNames() {
            return maxNames;
        }

        /**
         * Sets the cap on distinct component names per kind.
         *
         * @param maxNames the cap, at least 1
         */
        public void setMaxNames(int maxNames) {
            this.maxNames = maxNames;
        }

        /**
         * Returns whether percentile histograms are published.
         *
         * @return {@code false} by default
         */
        public boolean isPercentileHistograms() {
            return percentileHistograms;
        }

        /**
         * Sets whether percentile histograms are published.
         *
         * @param percentileHistograms whether to publish them
         */
        public void setPercentileHistograms(boolean percentileHistograms) {
            this.percentileHistograms = percentileHistograms;
        }

        /**
         * Returns whether lock series are named by lock class.
         *
         * @return {@code false} by default
         */
        public boolean isTagLocksByClass() {
            return tagLocksByClass;
        }

        /**
         * Sets whether lock series are named by lock class.
         *
         * @param tagLocksByClass whether to name them by class
         */
        public void setTagLocksByClass(boolean tagLocksByClass) {
            this.tagLocksByClass = tagLocksByClass;
        }

        /**
         * Returns whether lock holds are timed ({@code fearless.lock.held}).
         *
         * @return {@code false} by default: two clock reads per hold
         */
        public boolean isTimeLockHolds() {
            return timeLockHolds;
        }

        /**
         * Sets whether lock holds are timed ({@code fearless.lock.held}).
         *
         * @param timeLockHolds whether to time them
         */
        public void setTimeLockHolds(boolean timeLockHolds) {
            this.timeLockHolds = timeLockHolds;
        }
    }

    /** {@code fearless.observations.*}: a fearless.scope observation per scope and a fearless.task one per task. */
    public static class Observations {
        /** Whether to make fearless.scope and fearless.task observations (spans) in the application's ObservationRegistry. */
        private boolean enabled;

        /** Creates the defaults. */
        public Observations() {}

        /**
         * Returns whether scope and task observations are made.
         *
         * @return {@code false} by default
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether scope and task observations are made.
         *
         * @param enabled whether to make them
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** What a {@code fearless.executor.limit} does when every permit is in use. */
    public enum Policy {
        /** The submitter blocks until a permit is free. */
        BLOCK,
        /** The submitter blocks at most {@code fearless.executor.block-timeout}, then the task is refused. */
        BLOCK_AT_MOST,
        /** The task is refused at once. */
        REJECT,
        /** The task is accepted; its own virtual thread waits for a permit. */
        ENQUEUE
    }

    /** {@code fearless.executor.*}: the VirtualExecutor offered as the application's task executor. */
    public static class Executor {
        /** Whether to offer a VirtualExecutor as the applicationTaskExecutor and @Async executor. */
        private boolean enabled = true;

        /** The executor's name: the name tag of its fearless.executor.* meters and the name of its threads. */
        private String name = "application";

        /** Most tasks that run at once; unlimited when not set. Needs fearless.executor.policy. */
        private @Nullable Integer limit;

        /** What happens to a task submitted while every permit is in use; required with a limit. */
        private @Nullable Policy policy;

        /** The longest a submitter waits for a permit under the block-at-most policy. */
        private @Nullable Duration blockTimeout;

        /**
         * How long closing the application waits for accepted tasks before interrupting them.
         */
        private Duration shutdownTimeout = Duration.ofSeconds(30);

        /** Creates the defaults. */
        public Executor() {}

        /**
         * Returns whether the executor is offered.
         *
         * @return {@code true} by default
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether the executor is offered.
         *
         * @param enabled whether to offer it
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * Returns the executor's name.
         *
         * @return {@code "application"} by default
         */
        public String getName() {
            return name;
        }

        /**
         * Sets the executor's name.
         *
         * @param name the name, not blank
         */
        public void setName(String name) {
            this.name = name;
        }

        /**
         * Returns the concurrency limit.
         *
         * @return the limit, or {@code null} when unlimited
         */
        public @Nullable Integer getLimit() {
            return limit;
        }

        /**
         * Sets the concurrency limit.
         *
         * @param limit the limit, positive, or {@code null} for unlimited
         */
        public void setLimit(@Nullable Integer limit) {
            this.limit = limit;
        }

        /**
         * Returns the limit policy.
         *
         * @return the policy, or {@code null} when not set
         */
        public @Nullable Policy getPolicy() {
            return policy;
        }

        /**
         * Sets the limit policy.
         *
         * @param policy the policy
         */
        public void setPolicy(@Nullable Policy policy) {
            this.policy = policy;
        }

        /**
         * Returns the longest wait for a permit under {@link Policy#BLOCK_AT_MOST}.
         *
         * @return the timeout, or {@code null} when not set
         */
        public @Nullable Duration getBlockTimeout() {
            return blockTimeout;
        }

        /**
         * Sets the longest wait for a permit under {@link Policy#BLOCK_AT_MOST}.
         *
         * @param blockTimeout the timeout, positive
         */
        public void setBlockTimeout(@Nullable Duration blockTimeout) {
            this.blockTimeout = blockTimeout;
        }

        /**
         * Returns how long closing the application waits for accepted tasks.
         *
         * @return 30 seconds by default
         */
        public Duration getShutdownTimeout() {
            return shutdownTimeout;
        }

        /**
         * Sets how long closing the application waits for accepted tasks before interrupting them.
         *
         * @param shutdownTimeout the timeout; zero interrupts them at once
         */
        public void setShutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
        }
    }

    /** {@code fearless.locks.*}: the lock-order checker and the deadlock watchdog. */
    public static class Locks {
        /**
         * The lock-order checker mode for the application (off, warn or throw); when not set, the
         * mode is left as it is (the fearless.lock.checker system property, else off).
         */
        private LockOrderChecker.@Nullable Mode checker;

        private final Watchdog watchdog = new Watchdog();

        /** Creates the defaults. */
        public Locks() {}

        /**
         * Returns the lock-order checker mode to set.
         *
         * @return the mode, or {@code null} to leave it as it is
         */
        public LockOrderChecker.@Nullable Mode getChecker() {
            return checker;
        }

        /**
         * Sets the lock-order checker mode.
         *
         * @param checker the mode, or {@code null} to leave it as it is
         */
        public void setChecker(LockOrderChecker.@Nullable Mode checker) {
            this.checker = checker;
        }

        /**
         * Returns the {@code fearless.locks.watchdog.*} properties.
         *
         * @return the watchdog options
         */
        public Watchdog getWatchdog() {
            return watchdog;
        }
    }

    /** {@code fearless.locks.watchdog.*}: the thread that looks for real deadlocks among Fearless locks. */
    public static class Watchdog {
        /** Whether to run the deadlock watchdog (it logs each deadlock at ERROR and reports it to telemetry). */
        private boolean enabled = true;

        /** Time between two scans for deadlocks. */
        private Duration period = Duration.ofSeconds(10);

        /** Creates the defaults. */
        public Watchdog() {}

        /**
         * Returns whether the watchdog runs.
         *
         * @return {@code true} by default
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether the watchdog runs.
         *
         * @param enabled whether to run it
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * Returns the time between scans.
         *
         * @return 10 seconds by default
         */
        public Duration getPeriod() {
            return period;
        }

        /**
         * Sets the time between scans.
         *
         * @param period the period, positive
         */
        public void setPeriod(Duration period) {
            this.period = period;
        }
    }
}
