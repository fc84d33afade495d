package dev.fearless.structure;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One open scope of a {@link StructureSnapshot}: who owns it, under which policy and deadline,
 * its running tasks, and the scopes its owner opened inside it.
 *
 * <pre>{@code
 * for (ScopeNode scope : Structure.snapshot().scopes()) {
 *     System.out.println(scope.name() + ": " + scope.tasks().size() + " running tasks");
 * }
 * }</pre>
 *
 * @param name the scope's name, or {@code Telemetry.DEFAULT_NAME} for an unnamed scope
 * @param owner the owner thread, described as in messages
 * @param policy the policy's description
 * @param deadline the deadline or timeout the scope was opened with, if any
 * @param remaining the time left before the deadline (negative once passed), if there is one
 * @param age the time since the scope opened
 * @param ownerWaits what the owner waits for (usually the scope's own join), if anything tracked
 * @param tasks the running tasks, in fork order
 * @param tasksLeftOut whether running tasks were left out to respect the snapshot's size bound
 * @param scopes the scopes opened by the owner inside this one and still open
 */
public record ScopeNode(String name, String owner, String policy, Optional<String> deadline,
        Optional<Duration> remaining, Duration age, Optional<WaitNode> ownerWaits, List<TaskNode> tasks,
        boolean tasksLeftOut, List<ScopeNode> scopes) {

    /**
     * Checks and copies the components.
     *
     * @param name the name
     * @param owner the owner's description
     * @param policy the policy's description
     * @param deadline the deadline's description, or empty
     * @param remaining the time left, or empty
     * @param age the age
     * @param ownerWaits the owner's wait, or empty
     * @param tasks the running tasks
     * @param tasksLeftOut whether tasks were left out
     * @param scopes the nested scopes
     * @throws NullPointerException if an argument is null
     */
    public ScopeNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(remaining, "remaining");
        Objects.requireNonNull(age, "age");
        Objects.requireNonNull(ownerWaits, "ownerWaits");
        tasks = List.copyOf(tasks);
        scopes = List.copyOf(scopes);
    }
}
