package dev.fearless.jfr;

import java.util.Locale;
import java.util.Set;
import jdk.jfr.SettingControl;

/**
 * A JFR setting that drops events whose measured time (a wait, a hold, a run) is shorter than a
 * value such as {@code "20 ms"}: the JDK's own {@code threshold} works on the event's begin/end
 * timing, which a listener called after the fact cannot set, so Fearless events carry their time
 * as a field and filter on it with this setting instead.
 *
 * <p>When several recordings run at once the smallest value wins, as for {@code threshold}.
 */
final class MinDuration extends SettingControl {

    private static final String ZERO = "0 ns";

    // Written when a recording starts or stops, read by every committing thread.
    private volatile long nanos;
    private volatile String text = ZERO;

    @Override
    public String combine(Set<String> values) {
        String smallest = null;
        long smallestNanos = Long.MAX_VALUE;
        for (String value : values) {
            long parsed = parse(value);
            if (parsed >= 0 && parsed < smallestNanos) {
                smallest = value;
                smallestNanos = parsed;
            }
        }
        return smallest == null ? ZERO : smallest;
    }

    @Override
    public void setValue(String value) {
        long parsed = parse(value);
        if (parsed >= 0) { // an unreadable value keeps the previous one, as the JDK's settings do
            nanos = parsed;
            text = value;
        }
    }

    @Override
    public String getValue() {
        return text;
    }

    boolean accepts(long measuredNanos) {
        return measuredNanos >= nanos;
    }

    /** Parses {@code "<n> ns|us|ms|s|m|h"} (JFR's timespan syntax); -1 if unreadable. */
    static long parse(String value) {
        String trimmed = value.trim().toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < trimmed.length() && Character.isDigit(trimmed.charAt(split))) {
            split++;
        }
        if (split == 0) {
            return -1;
        }
        long amount;
        try {
            amount = Long.parseLong(trimmed.substring(0, split));
        } catch (NumberFormatException tooLong) {
            return -1;
        }
        long unitNanos = switch (trimmed.substring(split).trim()) {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> -1L;
        };
        if (unitNanos < 0) {
            return -1;
        }
        return amount > Long.MAX_VALUE / unitNanos ? Long.MAX_VALUE : amount * unitNanos;
    }
}
