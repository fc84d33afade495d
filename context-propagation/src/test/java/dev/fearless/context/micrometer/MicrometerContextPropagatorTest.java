package dev.fearless.context.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import brave.Tracing;
import brave.handler.MutableSpan;
import dev.fearless.bridge.VirtualExecutor;
import dev.fearless.context.ContextPropagation;
import dev.fearless.context.ContextSnapshot;
import dev.fearless.scope.Scope;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A real tracer (Brave, through Micrometer Tracing) and the global {@link ContextRegistry}: spans
 * created in forks and executor tasks are children of the span that was current where they were
 * forked, with nothing configured but this module on the path.
 */
@SuppressWarnings("try") // SpanInScope resources exist for their effect on the current span
@Isolated("registers an accessor with the global ContextRegistry")
@Timeout(60)
class MicrometerContextPropagatorTest {

    private RecordingTracer recording;
    private Tracer tracer;
    private List<MutableSpan> finished;

    @BeforeEach
    void tracer() {
        recording = new RecordingTracer();
        tracer = recording.tracer;
        finished = recording.finished;
    }

    @AfterEach
    void close() {
        recording.close();
    }

    private void child(String name) {
        Span span = tracer.nextSpan().name(name).start();
        span.end();
    }

    private Map<String, MutableSpan> byName() {
        return finished.stream().collect(Collectors.toMap(MutableSpan::name, Function.identity()));
    }

    @Test
    void theServiceLoaderPutsItIntoTheDefaults() {
        assertTrue(ContextPropagation.defaults().propagators().stream()
                        .anyMatch(propagator -> propagator instanceof MicrometerContextPropagator),
                () -> "defaults: " + ContextPropagation.defaults());
    }

    @Test
    void aSpanAroundAScopeIsTheParentOfTheSpansOfItsTasksAndTheirForks() throws Exception {
        Span request = tracer.nextSpan().name("request").start();
        try (Tracer.SpanInScope inScope = tracer.withSpan(request)) {
            try (var scope = Scope.builder().name("page").open()) {
                scope.fork(() -> {
                    child("user");
                    return null;
                });
                scope.fork(() -> {
                    Span orders = tracer.nextSpan().name("orders").start();
                    try (Tracer.SpanInScope inner = tracer.withSpan(orders);
                            var nested = Scope.builder().name("order-lines").open()) {
                        nested.fork(() -> {
                            child("lines");
                            return null;
                        });
                        nested.join();
                    } finally {
                        orders.end();
                    }
                    return null;
                });
                scope.join();
            }
        } finally {
            request.end();
        }
        Map<String, MutableSpan> spans = byName();
        String requestId = spans.get("request").id();
        assertEquals(requestId, spans.get("user").parentId(), "a task's span is a child of the forker's");
        assertEquals(requestId, spans.get("orders").parentId());
        assertEquals(spans.get("orders").id(), spans.get("lines").parentId(), "and a fork of a task, of the task's");
        assertEquals(1, spans.values().stream().map(MutableSpan::traceId).distinct().count(), "one trace");
        assertNull(tracer.currentSpan(), "the test thread's span was restored");
    }

    @Test
    void anExecutorTaskIsAChildOfTheSubmittersSpan() throws Exception {
        Span request = tracer.nextSpan().name("request").start();
        try (VirtualExecutor executor = VirtualExecutor.builder().name("pdf").build();
                Tracer.SpanInScope inScope = tracer.withSpan(request)) {
            executor.submit(() -> {
                child("render");
                return null;
            }).get(20, TimeUnit.SECONDS);
        } finally {
            request.end();
        }
        Map<String, MutableSpan> spans = byName();
        assertEquals(spans.get("request").id(), spans.get("render").parentId());
    }

    /** A plain thread-local, registered in a registry of the test's own. */
    private static final ThreadLocal<String> TENANT = new ThreadLocal<>();

    private static ContextRegistry tenantRegistry() {
        return new ContextRegistry().registerThreadLocalAccessor(new ThreadLocalAccessor<String>() {
            @Override
            public Object key() {
                return "tenant";
            }

            @Override
            public String getValue() {
                return TENANT.get();
            }

            @Override
            public void setValue(String value) {
                TENANT.set(value);
            }

            @Override
            public void setValue() {
                TENANT.remove();
            }
        });
    }

    @Test
    void valuesAreCapturedAtForkTimeAndTheTaskThreadsOwnAreRestored() {
        MicrometerContextPropagator propagator = MicrometerContextPropagator.of(tenantRegistry());
        TENANT.set("acme");
        try {
            ContextSnapshot snapshot = propagator.capture();
            TENANT.set("other");                       // changed after the capture
            String[] seen = new String[1];
            snapshot.runWith(() -> seen[0] = TENANT.get());
            assertEquals("acme", seen[0], "the value at capture time");
            assertEquals("other", TENANT.get(), "the running thread's own value is back afterwards");
        } finally {
            TENANT.remove();
        }
    }

    @Test
    void aScopeWithAnExplicitRegistryCarriesItsAccessors() throws Exception {
        TENANT.set("acme");
        try (var scope = Scope.builder()
                .context(ContextPropagation.none().with(MicrometerContextPropagator.of(tenantRegistry())))
                .open()) {
            var tenant = scope.fork(TENANT::get);
            scope.join();
            assertEquals("acme", tenant.get());
        } finally {
            TENANT.remove();
        }
    }

    @Test
    void anEmptyRegistryCapturesNothing() {
        assertSame(ContextSnapshot.EMPTY, MicrometerContextPropagator.of(new ContextRegistry()).capture());
        assertNotNull(MicrometerContextPropagator.global().toString());
    }
}
