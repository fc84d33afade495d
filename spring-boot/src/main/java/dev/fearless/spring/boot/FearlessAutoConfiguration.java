package dev.fearless.spring.boot;

import dev.fearless.context.ContextPropagation;
import dev.fearless.context.micrometer.MicrometerContextPropagator;
import dev.fearless.lock.DeadlockWatchdog;
import dev.fearless.lock.LockOrderChecker;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The core of the Fearless auto-configuration: the {@link FearlessProperties}, the
 * {@link ContextPropagation} that Fearless executors use (the slf4j MDC and every Micrometer
 * context-propagation accessor), the lock-order checker mode and the deadlock watchdog.
 *
 * <pre>{@code
 * // application.properties
 * fearless.locks.checker=warn
 * fearless.locks.watchdog.period=5s
 * }</pre>
 */
@AutoConfiguration
@EnableConfigurationProperties(FearlessProperties.class)
public class FearlessAutoConfiguration {

    /** Created by Spring. */
    public FearlessAutoConfiguration() {}

    /**
     * The context carried into the tasks of the auto-configured executor: the defaults (the slf4j
     * MDC and every {@code ContextPropagator} found by {@link java.util.ServiceLoader}), with the
     * Micrometer context-propagation bridge added if the service loader did not see it (another
     * class loader).
     *
     * @return the propagation
     */
    @Bean
    @ConditionalOnMissingBean
    public ContextPropagation fearlessContextPropagation() {
        ContextPropagation defaults = ContextPropagation.defaults();
        boolean bridged = defaults.propagators().stream().anyMatch(MicrometerContextPropagator.class::isInstance);
        return bridged ? defaults : defaults.with(MicrometerContextPropagator.global());
    }

    /**
     * Sets the lock-order checker mode from {@code fearless.locks.checker} while the application
     * runs, and puts the previous mode back when it closes.
     *
     * @param properties the properties
     * @return the setting
     */
    @Bean
    @ConditionalOnProperty(prefix = "fearless.locks", name = "checker")
    public LockOrderCheckerMode fearlessLockOrderCheckerMode(FearlessProperties properties) {
        LockOrderChecker.Mode mode = properties.getLocks().getChecker();
        if (mode == null) {
            throw new IllegalStateException("fearless.locks.checker must be off, warn or throw");
        }
        return LockOrderCheckerMode.set(mode);
    }

    /**
     * The deadlock watchdog: a daemon platform thread that scans for real deadlocks among Fearless
     * locks every {@code fearless.locks.watchdog.period} and logs each one at ERROR.
     *
     * @param properties the properties
     * @return the running watchdog; stopped when the application closes
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty(name = "fearless.locks.watchdog.enabled", matchIfMissing = true)
    public DeadlockWatchdog fearlessDeadlockWatchdog(FearlessProperties properties) {
        return DeadlockWatchdog.start(properties.getLocks().getWatchdog().getPeriod());
    }
}
