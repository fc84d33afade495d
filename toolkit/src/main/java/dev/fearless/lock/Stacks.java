package dev.fearless.lock;

import java.util.Arrays;
import java.util.Set;

/** Captures and prints stack traces for reports, without this package's own frames on top. */
final class Stacks {

    private static final String PACKAGE = "dev.fearless.lock.";
    private static final Set<String> INTERNAL = Set.of("RankedLock", "OrderedLock", "OrderedReadWriteLock",
            "TrackedCondition", "Locks", "HeldLocks", "LockGraph", "ThreadHolds", "HoldSite", "Stacks", "Reports",
            "LockOrderChecker", "DeadlockWatchdog");
    private static final int MAX_FRAMES = 32;

    private Stacks() {}

    /** The calling code's stack, starting at the first frame outside this package's lock code. */
    static StackTraceElement[] here() {
        return trim(new Throwable());
    }

    static StackTraceElement[] trim(Throwable site) {
        return trim(site.getStackTrace());
    }

    /** Drops the leading frames of this package's lock code and of the JDK's parking machinery. */
    static StackTraceElement[] trim(StackTraceElement[] frames) {
        int first = 0;
        while (first < frames.length && isInternal(frames[first].getClassName())) {
            first++;
        }
        return Arrays.copyOfRange(frames, first, frames.length);
    }

    private static boolean isInternal(String className) {
        if (className.startsWith("java.util.concurrent.locks.") || className.startsWith("jdk.internal.misc.")
                || className.equals("java.lang.VirtualThread") || className.startsWith("java.lang.System$")) {
            return true;
        }
        if (!className.startsWith(PACKAGE)) {
            return false;
        }
        String simple = className.substring(PACKAGE.length());
        int nested = simple.indexOf('$');
        return INTERNAL.contains(nested < 0 ? simple : simple.substring(0, nested));
    }

    static void append(StringBuilder out, StackTraceElement[] frames, String indent) {
        int shown = Math.min(frames.length, MAX_FRAMES);
        for (int i = 0; i < shown; i++) {
            out.append(indent).append("at ").append(frames[i]).append('\n');
        }
        if (frames.length > shown) {
            out.append(indent).append("... ").append(frames.length - shown).append(" more\n");
        }
        if (frames.length == 0) {
            out.append(indent).append("(no stack trace)\n");
        }
    }
}
