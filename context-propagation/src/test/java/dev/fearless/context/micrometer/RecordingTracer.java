package dev.fearless.context.micrometer;

import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.propagation.TraceContext;
import io.micrometer.context.ContextRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.contextpropagation.ObservationAwareSpanThreadLocalAccessor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * A real Brave tracer behind Micrometer Tracing that keeps every finished span, with its span
 * accessor registered in the global {@link ContextRegistry} until closed.
 */
final class RecordingTracer implements AutoCloseable {

    final List<MutableSpan> finished = new CopyOnWriteArrayList<>();
    final Tracer tracer;
    private final Tracing tracing;
    private final ObservationAwareSpanThreadLocalAccessor spanAccessor;

    /** A tracer whose spans are made current by the accessor alone. */
    RecordingTracer() {
        this(null);
    }

    /** A tracer whose accessor also follows the observations of {@code observations}, if given. */
    RecordingTracer(@Nullable ObservationRegistry observations) {
        ThreadLocalCurrentTraceContext current = ThreadLocalCurrentTraceContext.newBuilder().build();
        tracing = Tracing.newBuilder().currentTraceContext(current).addSpanHandler(new SpanHandler() {
            @Override
            public boolean end(TraceContext context, MutableSpan span, Cause cause) {
                finished.add(span);
                return true;
            }
        }).build();
        tracer = new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(current), new BraveBaggageManager());
        spanAccessor = observations == null ? new ObservationAwareSpanThreadLocalAccessor(tracer)
                : new ObservationAwareSpanThreadLocalAccessor(observations, tracer);
        ContextRegistry.getInstance().registerThreadLocalAccessor(spanAccessor);
    }

    @Override
    public void close() {
        ContextRegistry.getInstance().removeThreadLocalAccessor(spanAccessor.key().toString());
        tracing.close();
    }
}
