package dev.fearless.spring.boot;

import dev.fearless.context.micrometer.FearlessObservations;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * With {@code fearless.observations.enabled=true} and an {@link ObservationRegistry} bean, makes a
 * {@code fearless.scope} observation per scope and a {@code fearless.task} one per task, so a
 * tracing bridge turns them into spans.
 *
 * <pre>{@code
 * // application.properties
 * fearless.observations.enabled=true
 * }</pre>
 */
@AutoConfiguration(
        after = FearlessAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = "fearless.observations.enabled")
public class FearlessObservationsAutoConfiguration {

    /** Created by Spring. */
    public FearlessObservationsAutoConfiguration() {}

    /**
     * The installation of the scope and task observations.
     *
     * @param registry the application's registry
     * @return the installation; closed when the application closes
     * @throws IllegalStateException if another installation (another application in this JVM) is open
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public FearlessObservations fearlessObservations(ObservationRegistry registry) {
        return FearlessObservations.install(registry);
    }
}
