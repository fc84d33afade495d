package dev.fearless.metrics;

import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.ToIntFunction;

/**
 * Live components of one name, held weakly so that a gauge never keeps a channel or executor
 * alive; cleared references are dropped while summing, at scrape time.
 */
final class LiveViews<T> {
    private final Queue<WeakReference<T>> views = new ConcurrentLinkedQueue<>();

    void add(T view) {
        views.add(new WeakReference<>(view));
    }

    double sum(ToIntFunction<T> reading) {
        return sum(reading, -1);
    }

    /** Sums readings; a reading equal to {@code infinite} (when not negative) makes the sum +Inf. */
    double sum(ToIntFunction<T> reading, int infinite) {
        double total = 0;
        for (Iterator<WeakReference<T>> it = views.iterator(); it.hasNext(); ) {
            T view = it.next().get();
            if (view == null) {
                it.remove();
                continue;
            }
            int value = reading.applyAsInt(view);
            if (infinite >= 0 && value == infinite) {
                return Double.POSITIVE_INFINITY;
            }
            total += value;
        }
        return total;
    }
}
