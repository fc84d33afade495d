package dev.fearless.metrics;

import io.micrometer.core.instrument.Tags;

/** The settings a {@link FearlessMetrics.Builder} collects; immutable. */
record MetricsOptions(Tags commonTags, int maxNames, boolean histograms, boolean locksByClass, boolean lockHoldTimes) {

    static final int DEFAULT_MAX_NAMES = 1_000;

    static MetricsOptions defaults(Tags commonTags) {
        return new MetricsOptions(commonTags, DEFAULT_MAX_NAMES, false, false, false);
    }
}
