package dev.fearless.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fearless.scope.Task;

/** Assertions about scope tasks. */
public final class TaskAssertions {
    private TaskAssertions() {}

    /** Fails unless {@code task} is in state {@code expected}. */
    public static void assertState(Task.State expected, Task<?> task) {
        assertEquals(expected, task.state(), () -> "state of " + task);
    }
}
