package dev.fearless.test;

import java.util.ArrayList;
import java.util.List;

/** The text form of a recorded schedule: {@code r1:} then the chosen thread of each decision. */
final class Schedules {

    private static final String PREFIX = "r1:";

    private Schedules() {}

    /** Encodes decisions (thread indexes) with run lengths: {@code r1:0x3.1.2x2}. */
    static String encode(List<Integer> decisions) {
        StringBuilder text = new StringBuilder(PREFIX);
        int i = 0;
        while (i < decisions.size()) {
            int value = decisions.get(i);
            int run = 1;
            while (i + run < decisions.size() && decisions.get(i + run) == value) {
                run++;
            }
            if (i > 0) {
                text.append('.');
            }
            text.append(value);
            if (run > 1) {
                text.append('x').append(run);
            }
            i += run;
        }
        return text.toString();
    }

    /** Decodes {@link #encode}; IAE naming the rule on bad input. */
    static List<Integer> decode(String text) {
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("schedule must start with \"" + PREFIX + "\" (as printed by a failure"
                    + " report): " + text);
        }
        List<Integer> decisions = new ArrayList<>();
        String body = text.substring(PREFIX.length());
        if (body.isEmpty()) {
            return decisions;
        }
        try {
            for (String part : body.split("\\.", -1)) {
                int x = part.indexOf('x');
                int value = Integer.parseInt(x < 0 ? part : part.substring(0, x));
                int run = x < 0 ? 1 : Integer.parseInt(part.substring(x + 1));
                if (value < 0 || run < 1) {
                    throw new NumberFormatException(part);
                }
                for (int k = 0; k < run; k++) {
                    decisions.add(value);
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("schedule must be " + PREFIX
                    + " then thread numbers separated by '.', each optionally followed by x<count>: " + text, e);
        }
        return decisions;
    }

    static String hex(long seed) {
        return "0x" + Long.toHexString(seed);
    }

    static String describe(Strategy strategy, int depth, int preemptionBound) {
        return switch (strategy) {
            case RANDOM -> "RANDOM";
            case PCT -> "PCT (depth " + depth + ")";
            case EXHAUSTIVE -> "EXHAUSTIVE (preemption bound " + preemptionBound + ")";
        };
    }

    /** The seed of schedule {@code index} of an exploration with base seed {@code seed}. */
    static long scheduleSeed(long seed, int index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
