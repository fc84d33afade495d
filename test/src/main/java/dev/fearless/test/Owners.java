package dev.fearless.test;

import java.lang.reflect.Field;
import java.util.concurrent.locks.AbstractOwnableSynchronizer;
import org.jspecify.annotations.Nullable;

/**
 * The owner of an exclusive lock a thread is parked on ({@code ReentrantLock}, and so
 * {@code OrderedLock} and the handles' locks), for the wait-for cycle of a deadlock report. Needs
 * {@code --add-opens java.base/java.util.concurrent.locks=ALL-UNNAMED}; without it reports list
 * each thread's blocker but no cycle.
 */
final class Owners {

    private static final @Nullable Field OWNER = find();

    private Owners() {}

    private static @Nullable Field find() {
        try {
            Field field = AbstractOwnableSynchronizer.class.getDeclaredField("exclusiveOwnerThread");
            field.setAccessible(true);
            return field;
        } catch (RuntimeException | ReflectiveOperationException e) {
            return null;
        }
    }

    static boolean available() {
        return OWNER != null;
    }

    /** The thread holding {@code blocker}, if it is an exclusive synchronizer and readable. */
    static @Nullable Thread owner(@Nullable Object blocker) {
        Field field = OWNER;
        if (field == null || !(blocker instanceof AbstractOwnableSynchronizer)) {
            return null;
        }
        try {
            return (Thread) field.get(blocker);
        } catch (IllegalAccessException e) {
            return null;
        }
    }
}
