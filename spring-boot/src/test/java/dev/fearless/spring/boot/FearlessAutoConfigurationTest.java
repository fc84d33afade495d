package dev.fearless.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fearless.bridge.LimitPolicy;
import dev.fearless.bridge.VirtualExecutor;
import dev.fearless.context.ContextPropagation;
import dev.fearless.context.micrometer.FearlessObservations;
import dev.fearless.context.micrometer.MicrometerContextPropagator;
import dev.fearless.lock.DeadlockWatchdog;
import dev.fearless.lock.LockOrderChecker;
import dev.fearless.lock.OrderedLock;
import dev.fearless.metrics.FearlessMetrics;
import dev.fearless.scope.Scope;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/** Every condition and property of the auto-configuration, with {@link ApplicationContextRunner}. */
@Timeout(60)
class FearlessAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FearlessAutoConfiguration.class,
                    FearlessMetricsAutoConfiguration.class, FearlessExecutorAutoConfiguration.class,
                    FearlessObservationsAutoConfiguration.class, FearlessHealthAutoConfiguration.class,
                    TaskExecutionAutoConfiguration.class));

    private final ApplicationContextRunner withRegistry = runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    @AfterEach
    void checkerIsLeftOff() {
        assertThat(LockOrderChecker.mode()).isEqualTo(LockOrderChecker.Mode.OFF);
    }

    // ------------------------------------------------------------------ metrics

    @Test
    void metersAreBoundToTheApplicationsRegistryBeforeTheExecutorIsCreated() {
        withRegistry.run(context -> {
            assertThat(context).hasSingleBean(FearlessMetricsBinding.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(context.getBean(FearlessMetricsBinding.class).registry()).isSameAs(registry);
            // The limit gauge is registered only if the binding saw the executor being created.
            assertThat(registry.get("fearless.executor.limit").tag("name", "application").gauge().value())
                    .isEqualTo(Double.POSITIVE_INFINITY);
            context.getBean(FearlessTaskExecutor.class).submitCompletable(() -> "done").get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    registry.get("fearless.executor.completed").tag("name", "application").counter().count() == 1.0);
        });
    }

    @Test
    void closingTheApplicationRemovesTheMeters() {
        MeterRegistry registry = new SimpleMeterRegistry();
        runner.withBean(MeterRegistry.class, () -> registry).run(context ->
                assertThat(registry.find("fearless.executor.limit").gauge()).isNotNull());
        assertThat(registry.find("fearless.executor.limit").gauge()).isNull();
    }

    @Test
    void maxNamesCapsTheNamesPerKind() {
        withRegistry.withPropertyValues("fearless.metrics.max-names=1").run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            try (VirtualExecutor second = VirtualExecutor.builder().name("second").build()) {
                second.submit(() -> "x").get(10, TimeUnit.SECONDS);
            }
            // "application" took the only name; "second" is counted under "other".
            await().atMost(Duration.ofSeconds(10)).until(() -> registry.find("fearless.executor.completed")
                    .tag("name", FearlessMetrics.OVERFLOW_NAME).counter() != null);
            assertThat(registry.find("fearless.executor.completed").tag("name", "second").counter()).isNull();
            assertThat(registry.get("fearless.metrics.overflow").tag("kind", "executor").counter().count()).isPositive();
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void percentileHistogramsFollowTheProperty(boolean enabled) {
        runner.withBean(MeterRegistry.class, () -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .withPropertyValues("fearless.metrics.percentile-histograms=" + enabled).run(context -> {
                    PrometheusMeterRegistry registry = context.getBean(PrometheusMeterRegistry.class);
                    context.getBean(FearlessTaskExecutor.class).submitCompletable(() -> "done").get(10, TimeUnit.SECONDS);
                    await().atMost(Duration.ofSeconds(10)).until(() -> registry.scrape().contains("fearless_executor_idle_seconds_count{"));
                    assertThat(registry.scrape().contains("fearless_executor_idle_seconds_bucket{")).isEqualTo(enabled);
                });
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void lockSeriesFollowTheLockClassProperty(boolean byClass) {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("fearless.metrics.tag-locks-by-class=" + byClass).run(context -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    OrderedLock account = new OrderedLock("acc-42", "Account");
                    account.lock();
                    account.unlock();
                    String name = byClass ? "Account" : "acc-42";
                    assertThat(registry.get("fearless.lock.wait").tag("name", name).functionTimer().count()).isEqualTo(1);
                });
    }

    @Test
    void noRegistryOrDisabledMeansNoBinding() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(FearlessMetricsBinding.class);
            assertThat(context).hasSingleBean(FearlessTaskExecutor.class);
        });
        withRegistry.withPropertyValues("fearless.metrics.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean(FearlessMetricsBinding.class));
    }

    // ------------------------------------------------------------------ context propagation

    @Test
    void theExecutorCarriesTheMicrometerBridge() {
        runner.run(context -> {
            ContextPropagation propagation = context.getBean(ContextPropagation.class);
            assertThat(propagation.propagators()).anyMatch(MicrometerContextPropagator.class::isInstance);
        });
    }

    @Test
    void aUserPropagationReplacesTheDefault() {
        runner.withBean(ContextPropagation.class, ContextPropagation::none).run(context ->
                assertThat(context.getBean(ContextPropagation.class).propagators()).isEmpty());
    }

    // ------------------------------------------------------------------ observations

    @Test
    void observationsNeedTheRegistryAndTheProperty() {
        runner.withPropertyValues("fearless.observations.enabled=true").run(context ->
                assertThat(context).doesNotHaveBean(FearlessObservations.class));
        runner.withBean(ObservationRegistry.class, ObservationRegistry::create).run(context ->
                assertThat(context).doesNotHaveBean(FearlessObservations.class));
    }

    @Test
    void scopesAndTasksAreObservedWhenEnabled() {
        Queue<String> started = new ConcurrentLinkedQueue<>();
        Supplier<ObservationRegistry> registry = () -> {
            ObservationRegistry observations = ObservationRegistry.create();
            observations.observationConfig().observationHandler(new ObservationHandler<>() {
                @Override
                public void onStart(Observation.Context context) {
                    started.add(context.getName());
                }

                @Override
                public boolean supportsContext(Observation.Context context) {
                    return true;
                }
            });
            return observations;
        };
        runner.withBean(ObservationRegistry.class, registry).withPropertyValues("fearless.observations.enabled=true")
                .run(context -> {
                    assertThat(context).hasSingleBean(FearlessObservations.class);
                    try (var scope = Scope.open()) {
                        scope.fork(() -> "task");
                        scope.join();
                    }
                    assertThat(started).contains("fearless.scope", "fearless.task");
                });
        started.clear();
        try (var scope = Scope.open()) {   // uninstalled when the application closed
            scope.fork(() -> "task");
            scope.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(started).isEmpty();
    }

    // ------------------------------------------------------------------ executor

    @Test
    void theExecutorIsTheApplicationTaskExecutorAndBootsBacksOff() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(FearlessTaskExecutor.class);
            assertThat(context).doesNotHaveBean(ThreadPoolTaskExecutor.class);
            assertThat(context.getBean("applicationTaskExecutor")).isSameAs(context.getBean("taskExecutor"));
            VirtualExecutor executor = context.getBean(FearlessTaskExecutor.class).virtualExecutor();
            assertThat(executor.name()).isEqualTo("application");
            assertThat(executor.policy()).isNull();
            assertThat(executor.limit()).isEqualTo(Integer.MAX_VALUE);
        });
    }

    @Test
    void theExecutorBacksOffForAUserExecutor() {
        runner.withBean("myExecutor", Executor.class, () -> Runnable::run).run(context -> {
            assertThat(context).doesNotHaveBean(FearlessTaskExecutor.class);
            assertThat(context.getBean(Executor.class)).isNotInstanceOf(FearlessTaskExecutor.class);
        });
    }

    @Test
    void disabledGivesBootItsExecutorBack() {
        runner.withPropertyValues("fearless.executor.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(FearlessTaskExecutor.class);
            assertThat(context).hasBean("applicationTaskExecutor");
        });
    }

    @ParameterizedTest
    @CsvSource({
        "block,         , LimitPolicy.block()",
        "reject,        , LimitPolicy.reject()",
        "enqueue,       , LimitPolicy.enqueue()",
        "block-at-most, 250ms, LimitPolicy.blockAtMost(PT0.25S)",
        "BLOCK_AT_MOST, 2s, LimitPolicy.blockAtMost(PT2S)",
    })
    void limitAndPolicyComeFromProperties(String policy, String timeout, String expected) {
        ApplicationContextRunner configured = runner.withPropertyValues("fearless.executor.limit=7",
                "fearless.executor.policy=" + policy, "fearless.executor.name=jobs");
        if (timeout != null) {
            configured = configured.withPropertyValues("fearless.executor.block-timeout=" + timeout);
        }
        configured.run(context -> {
                    VirtualExecutor executor = context.getBean(FearlessTaskExecutor.class).virtualExecutor();
                    assertThat(executor.limit()).isEqualTo(7);
                    assertThat(String.valueOf(executor.policy())).isEqualTo(expected);
                    assertThat(executor.name()).isEqualTo("jobs");
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "fearless.executor.limit=4                                        | needs fearless.executor.policy",
        "fearless.executor.policy=reject                                  | needs fearless.executor.limit",
        "fearless.executor.block-timeout=1s                               | needs fearless.executor.limit",
        "fearless.executor.limit=4,fearless.executor.policy=block-at-most | needs a positive fearless.executor.block-timeout",
        "fearless.executor.limit=4,fearless.executor.policy=reject,fearless.executor.block-timeout=1s | applies to fearless.executor.policy=block-at-most only",
        "fearless.executor.limit=0,fearless.executor.policy=reject        | fearless.executor.limit must be positive: 0",
    })
    void inconsistentPropertiesFailTheStartUp(String properties, String message) {
        runner.withPropertyValues(properties.strip().split(",")).run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining(message.strip()));
    }

    @Test
    @Timeout(30)
    void aRefusalIsSpringsTaskRejectedException() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        runner.withPropertyValues("fearless.executor.limit=1", "fearless.executor.policy=reject").run(context -> {
            FearlessTaskExecutor executor = context.getBean(FearlessTaskExecutor.class);
            var running = executor.submitCompletable(() -> {
                release.await();
                return "first";
            });
            assertThatThrownBy(() -> executor.execute(() -> {}))
                    .isInstanceOf(TaskRejectedException.class)
                    .hasCauseInstanceOf(dev.fearless.bridge.TaskRejectedException.class)
                    .hasMessageContaining("application");
            release.countDown();
            assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        });
    }

    @Test
    void aTaskDecoratorIsApplied() {
        AtomicInteger decorated = new AtomicInteger();
        TaskDecorator decorator = task -> () -> {
            decorated.incrementAndGet();
            task.run();
        };
        runner.withBean(TaskDecorator.class, () -> decorator).run(context -> {
            FearlessTaskExecutor executor = context.getBean(FearlessTaskExecutor.class);
            assertThat(executor.submitCompletable(() -> "result").get(10, TimeUnit.SECONDS)).isEqualTo("result");
            executor.submitCompletable(() -> {}).get(10, TimeUnit.SECONDS);
            assertThat(decorated).hasValue(2);
        });
    }

    @Test
    void aDecoratorThatFailsOrDropsTheTaskStillEndsTheFuture() {
        RuntimeException boom = new IllegalArgumentException("boom");
        TaskDecorator failing = task -> () -> {
            throw boom;
        };
        runner.withBean(TaskDecorator.class, () -> failing).run(context -> {
            var future = context.getBean(FearlessTaskExecutor.class).submitCompletable(() -> "never");
            assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).hasCause(boom);
        });
        TaskDecorator dropping = task -> () -> {};
        runner.withBean(TaskDecorator.class, () -> dropping).run(context -> {
            var future = context.getBean(FearlessTaskExecutor.class).submitCompletable(() -> "never");
            assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("returned without running the task");
        });
    }

    @Test
    void closingTheApplicationShutsTheExecutorDown() {
        VirtualExecutor[] executor = new VirtualExecutor[1];
        runner.run(context -> executor[0] = context.getBean(FearlessTaskExecutor.class).virtualExecutor());
        assertThat(executor[0].isTerminated()).isTrue();
    }

    // ------------------------------------------------------------------ locks

    @ParameterizedTest
    @CsvSource({"off, OFF", "warn, WARN", "throw, THROW", "WARN, WARN"})
    void theCheckerModeComesFromPropertiesAndIsPutBack(String property, LockOrderChecker.Mode mode) {
        runner.withPropertyValues("fearless.locks.checker=" + property).run(context -> {
            assertThat(LockOrderChecker.mode()).isEqualTo(mode);
            assertThat(context.getBean(LockOrderCheckerMode.class).mode()).isEqualTo(mode);
        });
        assertThat(LockOrderChecker.mode()).isEqualTo(LockOrderChecker.Mode.OFF);
    }

    @Test
    void noCheckerPropertyLeavesTheModeAlone() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(LockOrderCheckerMode.class);
            assertThat(LockOrderChecker.mode()).isEqualTo(LockOrderChecker.Mode.OFF);
        });
    }

    @Test
    void aBadCheckerModeFailsTheStartUp() {
        runner.withPropertyValues("fearless.locks.checker=loud").run(context ->
                assertThat(context).hasFailed());
    }

    @Test
    void theWatchdogRunsByDefaultAndStopsWithTheApplication() {
        Thread[] thread = new Thread[1];
        runner.run(context -> {
            DeadlockWatchdog watchdog = context.getBean(DeadlockWatchdog.class);
            assertThat(watchdog.period()).isEqualTo(Duration.ofSeconds(10));
            thread[0] = watchdog.thread();
            assertThat(thread[0].isAlive()).isTrue();
        });
        assertThat(thread[0].isAlive()).isFalse();
        runner.withPropertyValues("fearless.locks.watchdog.period=250ms").run(context ->
                assertThat(context.getBean(DeadlockWatchdog.class).period()).isEqualTo(Duration.ofMillis(250)));
        runner.withPropertyValues("fearless.locks.watchdog.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean(DeadlockWatchdog.class));
    }

    // ------------------------------------------------------------------ health

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    @Timeout(60)
    void healthIsDownDuringARealDeadlockAndUpOnceItIsBroken(boolean virtual) {
        runner.withPropertyValues("fearless.locks.watchdog.period=50ms").run(context -> {
            FearlessHealthIndicator health = context.getBean("fearlessHealthIndicator", FearlessHealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(health.health().getDetails()).containsEntry("watchdog", "every PT0.05S");

            OrderedLock accounts = new OrderedLock("accounts");
            OrderedLock ledger = new OrderedLock("ledger");
            CountDownLatch bothHold = new CountDownLatch(2);
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicInteger interrupted = new AtomicInteger();
            Thread first = takeThenWait(virtual, "first", accounts, ledger, bothHold, interrupted, failures);
            Thread second = takeThenWait(virtual, "second", ledger, accounts, bothHold, interrupted, failures);

            await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus().equals(Status.DOWN));
            Health down = health.health();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> deadlocks = (List<Map<String, Object>>) down.getDetails().get("deadlocks");
            assertThat(deadlocks).hasSize(1);
            assertThat((List<?>) deadlocks.getFirst().get("cycle")).hasSize(2)
                    .anyMatch(label -> label.toString().startsWith("accounts"))
                    .anyMatch(label -> label.toString().startsWith("ledger"));
            assertThat(String.valueOf(deadlocks.getFirst().get("threads"))).contains("first").contains("second");
            assertThat(deadlocks.getFirst().get("report").toString()).startsWith("Deadlock: 2 threads");

            first.interrupt();
            first.join(10_000);
            second.join(10_000);
            assertThat(failures).isEmpty();
            assertThat(interrupted).hasValue(1);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void theHealthIndicatorCanBeTurnedOff() {
        runner.withPropertyValues("management.health.fearless.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean(FearlessHealthIndicator.class));
        runner.withPropertyValues("fearless.locks.watchdog.enabled=false").run(context ->
                assertThat(context.getBean(FearlessHealthIndicator.class).health().getDetails())
                        .containsEntry("watchdog", "off"));
    }

    /** Takes {@code first}, waits until both threads hold their first lock, then waits for {@code second}. */
    private static Thread takeThenWait(boolean virtual, String name, OrderedLock first, OrderedLock second,
                                       CountDownLatch bothHold, AtomicInteger interrupted, Queue<Throwable> failures) {
        Thread.Builder builder = virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon(true);
        return builder.name(name).start(() -> {
            try {
                first.lockInterruptibly();
                try {
                    bothHold.countDown();
                    bothHold.await();
                    second.lockInterruptibly();
                    second.unlock();
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                } finally {
                    first.unlock();
                }
            } catch (Throwable t) {
                failures.add(t);
            }
        });
    }
}
