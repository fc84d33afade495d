package dev.fearless.spring.boot;

import dev.fearless.bridge.LimitPolicy;
import dev.fearless.bridge.VirtualExecutor;
import dev.fearless.context.ContextPropagation;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.task.TaskDecorator;

/**
 * Offers a {@link VirtualExecutor} as the application's task executor: the bean
 * {@code applicationTaskExecutor} (alias {@code taskExecutor}), which {@code @Async} methods and
 * Spring MVC's asynchronous requests use. Spring Boot's own executor then backs off; this one backs
 * off when the application defines an {@link Executor} bean itself, or with
 * {@code fearless.executor.enabled=false}.
 *
 * <pre>{@code
 * // application.properties
 * fearless.executor.limit=64
 * fearless.executor.policy=block-at-most
 * fearless.executor.block-timeout=200ms
 * }</pre>
 *
 * <p>A limit needs a policy, and a policy needs a limit; {@code block-timeout} goes with
 * {@code block-at-most} only. Anything else fails the start-up with a message that says what to set.
 */
@AutoConfiguration(
        after = {FearlessAutoConfiguration.class, FearlessMetricsAutoConfiguration.class},
        beforeName = "org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration")
@ConditionalOnBooleanProperty(name = "fearless.executor.enabled", matchIfMissing = true)
public class FearlessExecutorAutoConfiguration {

    /** The bean name Spring Boot and Spring MVC look up for the application's executor. */
    public static final String APPLICATION_TASK_EXECUTOR = "applicationTaskExecutor";

    /** The bean name {@code @Async} falls back to. */
    public static final String TASK_EXECUTOR = "taskExecutor";

    /** Created by Spring. */
    public FearlessExecutorAutoConfiguration() {}

    /**
     * The application's task executor.
     *
     * @param properties the properties
     * @param context the context carried into every task
     * @param metrics the meter binding, created first so the executor's gauges are registered
     * @param decorator a unique {@link TaskDecorator} bean, applied to every task
     * @return the executor; shut down when the application closes
     */
    @Bean(name = {APPLICATION_TASK_EXECUTOR, TASK_EXECUTOR})
    @ConditionalOnMissingBean(Executor.class)
    public FearlessTaskExecutor applicationTaskExecutor(FearlessProperties properties, ContextPropagation context,
            ObjectProvider<FearlessMetricsBinding> metrics, ObjectProvider<TaskDecorator> decorator) {
        metrics.ifAvailable(binding -> {}); // bind the meters before the executor reports its creation
        FearlessProperties.Executor options = properties.getExecutor();
        VirtualExecutor.Builder builder = VirtualExecutor.builder().name(options.getName()).context(context);
        Integer limit = options.getLimit();
        LimitPolicy policy = policy(options);
        if (limit != null && policy != null) {
            builder.limit(limit, policy);
        }
        return new FearlessTaskExecutor(builder.build(), decorator.getIfUnique(), options.getShutdownTimeout());
    }

    /** The policy the properties choose; null when unlimited. Checks that they go together. */
    static @Nullable LimitPolicy policy(FearlessProperties.Executor options) {
        Integer limit = options.getLimit();
        FearlessProperties.Policy policy = options.getPolicy();
        Duration timeout = options.getBlockTimeout();
        if (limit == null) {
            if (policy != null) {
                throw new IllegalStateException("fearless.executor.policy=" + policy(policy)
                        + " needs fearless.executor.limit (the most tasks that run at once)");
            }
            if (timeout != null) {
                throw new IllegalStateException("fearless.executor.block-timeout=" + timeout
                        + " needs fearless.executor.limit and fearless.executor.policy=block-at-most");
            }
            return null;
        }
        if (limit <= 0) {
            throw new IllegalStateException("fearless.executor.limit must be positive: " + limit);
        }
        if (policy == null) {
            throw new IllegalStateException("fearless.executor.limit=" + limit
                    + " needs fearless.executor.policy: block, block-at-most, reject or enqueue");
        }
        if (timeout != null && policy != FearlessProperties.Policy.BLOCK_AT_MOST) {
            throw new IllegalStateException("fearless.executor.block-timeout applies to fearless.executor.policy=block-at-most only, not "
                    + policy(policy));
        }
        return switch (policy) {
            case BLOCK -> LimitPolicy.block();
            case REJECT -> LimitPolicy.reject();
            case ENQUEUE -> LimitPolicy.enqueue();
            case BLOCK_AT_MOST -> {
                if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                    throw new IllegalStateException("fearless.executor.policy=block-at-most needs a positive "
                            + "fearless.executor.block-timeout, such as 200ms: " + timeout);
                }
                yield LimitPolicy.blockAtMost(timeout);
            }
        };
    }

    private static String policy(FearlessProperties.Policy policy) {
        return policy.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
