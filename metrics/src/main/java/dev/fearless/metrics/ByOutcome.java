package dev.fearless.metrics;

import dev.fearless.telemetry.Outcome;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * One meter per {@link Outcome}, registered the first time that outcome is seen, so outcomes that
 * never happen export no series. Racing first uses may both register; the registry returns the
 * same meter for the same id, so they converge on one instance.
 */
final class ByOutcome<M> {
    private static final Outcome[] OUTCOMES = Outcome.values();

    private final AtomicReferenceArray<M> meters = new AtomicReferenceArray<>(OUTCOMES.length);
    private final Function<Outcome, M> factory;

    ByOutcome(Function<Outcome, M> factory) {
        this.factory = factory;
    }

    M get(Outcome outcome) {
        int slot = outcome.ordinal();
        M meter = meters.get(slot);
        if (meter == null) {
            meter = factory.apply(outcome);
            meters.set(slot, meter);
        }
        return meter;
    }
}
