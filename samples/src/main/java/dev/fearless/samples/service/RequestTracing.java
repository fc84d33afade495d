package dev.fearless.samples.service;

import brave.Tracing;
import brave.context.slf4j.MDCScopeDecorator;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import io.micrometer.context.ContextRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.contextpropagation.ObservationAwareSpanThreadLocalAccessor;

/**
 * A span per request, so every log line of the request — including those of the scope tasks and
 * executor tasks it forks — carries the same {@code traceId}: Brave's MDC decorator writes the
 * ids into the MDC of whichever thread has the span current, and fearless-context-propagation
 * (found by ServiceLoader) makes the forker's span current in every fork. Spans are not exported
 * anywhere; wiring a Zipkin or OTLP reporter is one line of {@link Tracing.Builder}.
 */
final class RequestTracing implements AutoCloseable {

    private final Tracing tracing;
    private final Tracer tracer;
    private final ObservationAwareSpanThreadLocalAccessor accessor;

    RequestTracing() {
        ThreadLocalCurrentTraceContext current = ThreadLocalCurrentTraceContext.newBuilder()
                .addScopeDecorator(MDCScopeDecorator.get())
                .build();
        // A handler that keeps nothing: with no handler Brave adds its LogSpanHandler, which wrote
        // every span through java.util.logging to the console - in the hostile run over 1,000
        // synchronized, formatted console writes a second, on the request threads.
        tracing = Tracing.newBuilder().localServiceName("fearless-sample").currentTraceContext(current)
                .addSpanHandler(new SpanHandler() {})
                .build();
        tracer = new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(current), new BraveBaggageManager());
        accessor = new ObservationAwareSpanThreadLocalAccessor(tracer);
        ContextRegistry.getInstance().registerThreadLocalAccessor(accessor);
    }

    /** Starts the span of a request; run the request inside {@link #inScope(Span)}. */
    Span start(String name) {
        return tracer.nextSpan().name(name).start();
    }

    /** Makes {@code span} current on this thread (and in the MDC) until the returned scope closes. */
    Tracer.SpanInScope inScope(Span span) {
        return tracer.withSpan(span);
    }

    @Override
    public void close() {
        ContextRegistry.getInstance().removeThreadLocalAccessor(accessor.key().toString());
        tracing.close();
    }
}
