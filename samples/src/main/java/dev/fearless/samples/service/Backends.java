package dev.fearless.samples.service;

import dev.fearless.bridge.Bridge;
import dev.fearless.bridge.LimitPolicy;
import dev.fearless.bridge.TaskRejectedException;
import dev.fearless.bridge.VirtualExecutor;
import dev.fearless.scope.Policy;
import dev.fearless.scope.Scope;
import dev.fearless.scope.ScopeFailedException;
import dev.fearless.scope.Task;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated slow backends, a fan-out over them with a deadline, and a hedged request.
 *
 * <p>Every backend call runs on the {@code backends} executor, whose limit stands for the backends'
 * capacity: when all permits are taken a call is refused at once ({@link LimitPolicy#reject()})
 * and counts as that backend refusing (503 when every backend refused, not 502). The calling
 * task waits with {@link Bridge#await}, so a cancelled task (deadline, lost race) cancels the call and interrupts its thread.
 */
final class Backends implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Backends.class);

    /** A simulated backend: a latency range and a failure rate. */
    record Backend(String name, int minMillis, int maxMillis, double failureRate) {}

    static final List<Backend> FAN_OUT = List.of(
            new Backend("profile", 5, 80, 0.02),
            new Backend("orders", 10, 150, 0.05),
            new Backend("recommendations", 20, 400, 0.05),
            new Backend("inventory", 5, 250, 0.10));

    static final Backend REPLICA_A = new Backend("quotes-a", 5, 300, 0.10);
    static final Backend REPLICA_B = new Backend("quotes-b", 5, 300, 0.10);

    /** How long the hedged request waits for the primary before asking the second replica. */
    static final Duration HEDGE_DELAY = Duration.ofMillis(50);

    private final VirtualExecutor calls;
    private final RequestTracing tracing;

    Backends(int capacity, RequestTracing tracing) {
        this.tracing = tracing;
        this.calls = VirtualExecutor.builder().name("backends").limit(capacity, LimitPolicy.reject()).build();
    }

    /** One call to a backend: sleeps for its latency, then answers or fails. */
    @SuppressWarnings("try") // the span scope is held for its effect on the current span and the MDC
    String call(Backend backend) throws InterruptedException {
        return Bridge.await(calls.submit(() -> {
            // A child of the request's span, which fearless-context-propagation made current here
            // (the task runs on an executor thread); its ids reach the MDC, so the log lines carry
            // the request's traceId.
            Span span = tracing.start("backend " + backend.name());
            try (Tracer.SpanInScope inScope = tracing.inScope(span)) {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                Thread.sleep(random.nextInt(backend.minMillis(), backend.maxMillis() + 1));
                if (random.nextDouble() < backend.failureRate()) {
                    log.debug("backend {} failed", backend.name());
                    throw new IllegalStateException(backend.name() + " failed");
                }
                log.debug("backend {} answered", backend.name());
                return backend.name() + ":" + Integer.toHexString(random.nextInt(0x10000));
            } finally {
                span.end();
            }
        }));
    }

    /** The fan-out's answer: what arrived before the deadline, and why the rest is missing. */
    record Aggregate(Map<String, String> results, Map<String, String> missing, boolean timedOut, boolean refused) {}

    /** Whether a call failed because the backends were at capacity (an instant refusal, not a failure). */
    static boolean refused(Throwable failure) {
        return failure instanceof TaskRejectedException;
    }

    /** Calls every fan-out backend at once and keeps what answered before {@code deadline}. */
    Aggregate aggregate(Duration deadline) throws InterruptedException {
        try (var scope = Scope.builder().name("aggregate")
                .policy(Policy.<String>awaitAll()).timeout(deadline).open()) {
            List<Task<String>> tasks = new ArrayList<>();
            for (Backend backend : FAN_OUT) {
                tasks.add(scope.fork(() -> call(backend)));
            }
            scope.join();                                // returns at the deadline at the latest
            Map<String, String> results = new LinkedHashMap<>();
            Map<String, String> missing = new LinkedHashMap<>();
            boolean timedOut = false;
            int refusals = 0;
            for (int i = 0; i < FAN_OUT.size(); i++) {
                String name = FAN_OUT.get(i).name();
                Task<String> task = tasks.get(i);
                switch (task.state()) {
                    case SUCCEEDED -> results.put(name, task.get());
                    case FAILED -> {
                        if (refused(task.exception())) {
                            refusals++;
                            missing.put(name, "refused: at capacity");
                        } else {
                            missing.put(name, "failed: " + task.exception().getMessage());
                        }
                    }
                    case CANCELLED, RUNNING -> {
                        missing.put(name, "deadline passed");
                        timedOut = true;
                    }
                }
            }
            return new Aggregate(results, missing, timedOut, refusals == FAN_OUT.size());
        }
    }

    /** The hedged request's answer. */
    record Hedged(String value, boolean hedged) {}

    /**
     * Asks one replica, and a second one if the first has not answered after {@link #HEDGE_DELAY};
     * the first answer wins and the other call is cancelled.
     *
     * @throws ScopeFailedException if both replicas failed
     */
    Hedged hedged() throws InterruptedException {
        return Scope.race(
                () -> new Hedged(call(REPLICA_A), false),
                () -> {
                    Thread.sleep(HEDGE_DELAY);               // interrupted when the primary wins first
                    return new Hedged(call(REPLICA_B), true);
                });
    }

    @Override
    public void close() {
        calls.close();
    }
}
