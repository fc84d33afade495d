package dev.fearless.spring.boot;

import dev.fearless.lock.DeadlockWatchdog;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code fearless} health indicator ({@link FearlessHealthIndicator}), when Spring Boot's
 * health support is on the class path; {@code management.health.fearless.enabled=false} turns it
 * off.
 *
 * <pre>{@code
 * // GET /actuator/health/fearless
 * {"status":"UP","details":{"watchdog":"every PT10S"}}
 * }</pre>
 */
@AutoConfiguration(
        after = FearlessAutoConfiguration.class,
        beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("fearless")
public class FearlessHealthAutoConfiguration {

    /** Created by Spring. */
    public FearlessHealthAutoConfiguration() {}

    /**
     * The indicator, named {@code fearless} after its bean name.
     *
     * @param watchdog the watchdog, if one runs
     * @return the indicator
     */
    @Bean
    @ConditionalOnMissingBean(name = "fearlessHealthIndicator")
    public FearlessHealthIndicator fearlessHealthIndicator(ObjectProvider<DeadlockWatchdog> watchdog) {
        return new FearlessHealthIndicator(watchdog.getIfAvailable());
    }
}
