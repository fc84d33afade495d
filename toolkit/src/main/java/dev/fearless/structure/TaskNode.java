package dev.fearless.structure;

import dev.fearless.scope.Task;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One running task of a {@link ScopeNode}: its thread, age, what it waits for and the scopes it
 * opened and has not closed.
 *
 * <pre>{@code
 * for (TaskNode task : scope.tasks()) {
 *     System.out.println("task #" + task.id() + " " + task.waitsFor().map(WaitNode::target).orElse("runs"));
 * }
 * }</pre>
 *
 * @param id the task's thread id (0 if it has no thread yet), which labels it as {@code task #id}
 * @param state the task's state, read once
 * @param daemon whether it is a daemon (or timer) task
 * @param thread the task's thread described as in messages ({@code thread "w" (#31, virtual)}),
 *     or empty if its thread has not been created
 * @param age time since fork, when known (tasks forked while tracking was off report empty)
 * @param waitsFor what the task's thread waits for, or empty when it runs or waits for
 *     something structure tracking does not see
 * @param holds the labels ({@code name#rank}) of the locks the task's thread holds, oldest first:
 *     {@code OrderedLock}s, {@code OrderedReadWriteLock} views and the locks of {@code Shared} and
 *     {@code SharedRw} handles taken while tracking was enabled
 * @param scopes the scopes this task opened and has not closed, outermost first
 */
public record TaskNode(long id, Task.State state, boolean daemon, Optional<String> thread, Optional<Duration> age,
        Optional<WaitNode> waitsFor, List<String> holds, List<ScopeNode> scopes) {

    /**
     * Checks and copies the components.
     *
     * @param id the thread id
     * @param state the state
     * @param daemon whether it is a daemon
     * @param thread the thread's description, or empty
     * @param age the age, or empty
     * @param waitsFor the wait, or empty
     * @param holds the locks held
     * @param scopes the scopes it opened
     * @throws NullPointerException if an argument is null
     */
    public TaskNode {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(thread, "thread");
        Objects.requireNonNull(age, "age");
        Objects.requireNonNull(waitsFor, "waitsFor");
        holds = List.copyOf(holds);
        scopes = List.copyOf(scopes);
    }
}
