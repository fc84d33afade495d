package dev.fearless.context.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import brave.Tracing;
import brave.handler.MutableSpan;
import dev.fearless.bridge.VirtualExecutor;
import dev.fearless.scope.Scope;
import dev.fearless.scope.ScopeFailedException;
import io.micrometer.context.ContextRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/** Scope and task observations, turned into spans by Micrometer Tracing's handler over Brave. */
@SuppressWarnings("try") // SpanInScope resources exist for their effect on the current span
@Isolated("registers a global telemetry listener and a ContextRegistry accessor")
@Timeout(60)
class FearlessObservationsTest {

    private RecordingTracer recording;
    private Tracer tracer;
    private List<MutableSpan> finished;
    private FearlessObservations observations;

    @BeforeEach
    void install() {
        ObservationRegistry registry = ObservationRegistry.create();
        recording = new RecordingTracer(registry);
        tracer = recording.tracer;
        finished = recording.finished;
        registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
        observations = FearlessObservations.install(registry);
    }

    @AfterEach
    void uninstall() {
        observations.close();
        recording.close();
    }

    private List<MutableSpan> named(String name) {
        return finished.stream().filter(span -> name.equals(span.name())).toList();
    }

    private MutableSpan only(String name) {
        List<MutableSpan> spans = named(name);
        assertEquals(1, spans.size(), () -> name + " in " + finished);
        return spans.getFirst();
    }

    @Test
    void everyScopeAndTaskIsASpanInTheTree() throws Exception {
        Span request = tracer.nextSpan().name("request").start();
        try (Tracer.SpanInScope inScope = tracer.withSpan(request)) {
            try (var scope = Scope.builder().name("page").open()) {
                scope.fork(() -> {
                    tracer.nextSpan().name("query").start().end();   // the task's own work
                    return null;
                });
                scope.fork(() -> "cached");
                scope.join();
            }
        } finally {
            request.end();
        }
        MutableSpan scope = only("fearless.scope");
        assertEquals(only("request").id(), scope.parentId(), "the scope's span is a child of the request's");
        assertEquals("page", scope.tags().get("fearless.scope.name"));
        assertEquals("success", scope.tags().get("outcome"));
        List<MutableSpan> tasks = named("fearless.task");
        assertEquals(2, tasks.size(), finished::toString);
        tasks.forEach(task -> assertEquals(scope.id(), task.parentId(), "each task is a child of its scope"));
        String queryParent = only("query").parentId();
        assertTrue(tasks.stream().anyMatch(task -> task.id().equals(queryParent)),
                "a span made in a task is a child of that task's span");
    }

    @Test
    void aFailedScopeSaysSoAndExecutorTasksAreObservedToo() throws Exception {
        try (var scope = Scope.builder().name("checkout").open()) {
            scope.fork(() -> {
                throw new IllegalStateException("card declined");
            });
            assertThrows(ScopeFailedException.class, scope::join);
        }
        assertEquals("failure", only("fearless.scope").tags().get("outcome"));

        try (VirtualExecutor executor = VirtualExecutor.builder().build()) {
            executor.submit(() -> "rendered").get(20, TimeUnit.SECONDS);
        }
        assertEquals(2, named("fearless.task").size(), "the scope's task and the executor's");
    }

    @Test
    void oneInstallationAtATime() throws InterruptedException {
        var twice = assertThrows(IllegalStateException.class, () -> FearlessObservations.install(ObservationRegistry.create()));
        assertTrue(twice.getMessage().contains("already installed"));
        observations.close();
        observations.close(); // idempotent
        try (var scope = Scope.builder().name("quiet").open()) {
            scope.fork(() -> "x");
            scope.join();
        }
        assertEquals(List.of(), named("fearless.scope"), "nothing observed once closed");
        observations = FearlessObservations.install(ObservationRegistry.create());
    }
}
