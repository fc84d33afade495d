package dev.fearless.test;

import java.lang.reflect.Field;
import org.jspecify.annotations.Nullable;

/**
 * Channels spin for a few microseconds of wall time (Thread.yield in a virtual thread) before
 * they park: under the explorer each spin round is a step, so the number of steps would depend on
 * the clock and schedules would not replay. The explorer turns that spin off while it runs, where
 * the toolkit's switch is reachable (class path, or an opened module); see "Next" in
 * docs/testing.md for the hook that replaces this.
 */
final class ToolkitSpin {

    private static final @Nullable Field SPINNING = find();

    private ToolkitSpin() {}

    private static @Nullable Field find() {
        try {
            Field field = Class.forName("dev.fearless.channel.Waiter").getDeclaredField("spinning");
            field.setAccessible(true);
            return field;
        } catch (RuntimeException | ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /** Whether channel spinning is under the explorer's control. */
    static boolean controlled() {
        return SPINNING != null;
    }

    /** Turns spinning off; returns the previous setting (true if unknown). */
    static boolean off() {
        return set(false);
    }

    static boolean set(boolean value) {
        Field field = SPINNING;
        if (field == null) {
            return true;
        }
        try {
            boolean previous = field.getBoolean(null);
            field.setBoolean(null, value);
            return previous;
        } catch (IllegalAccessException e) {
            return true;
        }
    }
}
