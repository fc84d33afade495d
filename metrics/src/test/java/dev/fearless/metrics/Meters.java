package dev.fearless.metrics;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;

/** Reads timers of either kind: {@code fearless.lock.wait} is a function timer unless histograms are on. */
final class Meters {
    private Meters() {}

    static double count(Meter meter) {
        if (meter instanceof Timer timer) {
            return timer.count();
        }
        if (meter instanceof FunctionTimer timer) {
            return timer.count();
        }
        throw new AssertionError("not a timer: " + meter.getId());
    }

    static double totalMillis(Meter meter) {
        if (meter instanceof Timer timer) {
            return timer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        if (meter instanceof FunctionTimer timer) {
            return timer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("not a timer: " + meter.getId());
    }
}
