package dev.fearless.structure;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of the open scopes, their running tasks and what each blocked thread
 * waits for, taken by {@link Structure#snapshot()}; readable as a tree ({@link #scopes()}), as a
 * text report in the style of a thread dump ({@link #toText()}) and as JSON ({@link #toJson()}).
 *
 * <pre>{@code
 * StructureSnapshot snapshot = Structure.snapshot();
 * snapshot.waitChains().forEach(System.out::println);
 * // task #41 in scope "crawl" waits for lock acc-3#7 held by task #42 in scope "crawl",
 * //     which waits for channel orders (send, 16/16 buffered)
 * }</pre>
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class StructureSnapshot {

    private final Instant takenAt;
    private final List<ScopeNode> scopes;
    private final int nodes;
    private final boolean truncated;
    private final List<String> waitChains;
    private final List<String> deadlocks;

    StructureSnapshot(Instant takenAt, List<ScopeNode> scopes, int nodes, boolean truncated, List<String> waitChains,
            List<String> deadlocks) {
        this.takenAt = Objects.requireNonNull(takenAt, "takenAt");
        this.scopes = List.copyOf(scopes);
        this.nodes = nodes;
        this.truncated = truncated;
        this.waitChains = List.copyOf(waitChains);
        this.deadlocks = List.copyOf(deadlocks);
    }

    /**
     * Returns when the snapshot was taken.
     *
     * @return the wall-clock time at the start of the snapshot
     */
    public Instant takenAt() {
        return takenAt;
    }

    /**
     * Returns the outermost open scopes (those not opened inside another tracked scope or task),
     * oldest first; nested scopes hang below their scope or task.
     *
     * @return an unmodifiable list
     */
    public List<ScopeNode> scopes() {
        return scopes;
    }

    /**
     * Returns how many scopes and tasks the snapshot holds.
     *
     * @return the number of nodes, at most the bound it was taken with
     */
    public int nodeCount() {
        return nodes;
    }

    /**
     * Returns whether scopes or tasks were left out to respect the size bound.
     *
     * @return {@code true} if the snapshot is incomplete
     */
    public boolean truncated() {
        return truncated;
    }

    /**
     * Returns one line per blocked task: what it waits for, who holds that, what the holder waits
     * for, and so on ({@code [DEADLOCK]} marks a task in a cycle the deadlock watchdog found).
     *
     * @return an unmodifiable list of lines
     */
    public List<String> waitChains() {
        return waitChains;
    }

    /**
     * Returns the lock deadlocks {@link dev.fearless.lock.DeadlockWatchdog#findDeadlocks()} found
     * while the snapshot was taken, one line per cycle.
     *
     * @return an unmodifiable list, empty when there is no deadlock
     */
    public List<String> deadlocks() {
        return deadlocks;
    }

    /**
     * Renders the snapshot as a thread-dump style text: the tree, then the wait-for chains, then
     * the deadlocks.
     *
     * @return the report
     */
    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append("Fearless structure at ").append(takenAt).append(": ").append(nodes).append(" scopes and tasks")
                .append(truncated ? " (TRUNCATED: more were open than the bound allows)" : "").append('\n');
        if (scopes.isEmpty()) {
            out.append(Structure.isEnabled() ? "  no open scope is tracked\n"
                    : "  structure tracking is disabled (Structure.enable() or -Dfearless.structure=true)\n");
        }
        for (ScopeNode scope : scopes) {
            text(out, scope, "  ", true);
        }
        if (!waitChains.isEmpty()) {
            out.append("\nWait-for chains:\n");
            waitChains.forEach(line -> out.append("  ").append(line).append('\n'));
        }
        if (!deadlocks.isEmpty()) {
            out.append("\nDeadlocks:\n");
            deadlocks.forEach(line -> out.append("  ").append(line).append('\n'));
        }
        return out.toString();
    }

    /** Writes one scope; {@code ownerLine} is false below a task, whose own wait line says the same. */
    private static void text(StringBuilder out, ScopeNode scope, String indent, boolean ownerLine) {
        out.append(indent).append("scope \"").append(scope.name()).append("\" owner ").append(scope.owner())
                .append(", ").append(scope.policy());
        scope.deadline().ifPresent(deadline -> out.append(", ").append(deadline));
        scope.remaining().ifPresent(left -> out.append(" (").append(seconds(left)).append(" left)"));
        out.append(", open ").append(seconds(scope.age())).append('\n');
        if (ownerLine) {
            scope.ownerWaits().ifPresent(wait -> out.append(indent).append("  owner ").append(describeWait(wait))
                    .append(holder(wait)).append(waited(wait)).append('\n'));
        }
        for (TaskNode task : scope.tasks()) {
            out.append(indent).append("  task #").append(task.id()).append(' ').append(task.state())
                    .append(task.daemon() ? " daemon" : "");
            task.thread().ifPresent(thread -> out.append(" on ").append(thread));
            task.age().ifPresent(age -> out.append(", age ").append(seconds(age)));
            out.append('\n');
            if (!task.holds().isEmpty()) {
                out.append(indent).append("    holds ").append(String.join(", ", task.holds())).append('\n');
            }
            task.waitsFor().ifPresent(wait -> out.append(indent).append("    ").append(describeWait(wait))
                    .append(holder(wait)).append(waited(wait)).append(wait.inDeadlock() ? " [DEADLOCK]" : "").append('\n'));
            for (ScopeNode inner : task.scopes()) {
                text(out, inner, indent + "    ", false);
            }
        }
        if (scope.tasksLeftOut()) {
            out.append(indent).append("  ... more running tasks left out (size bound)\n");
        }
        for (ScopeNode inner : scope.scopes()) {
            text(out, inner, indent + "  ", true);
        }
    }

    private static String holder(WaitNode wait) {
        return wait.holder().map(h -> (wait.kind() == WaitKind.JOIN ? " run by " : " held by ") + h).orElse("");
    }

    /** "waits for lock acc#3", "waits for channel orders (send, 16/16 buffered)"; the time waited is added apart. */
    static String describeWait(WaitNode wait) {
        String what = switch (wait.kind()) {
            case LOCK -> "lock " + wait.target();
            case CHANNEL_SEND -> "channel " + wait.target() + " (send" + wait.detail().map(d -> ", " + d).orElse("") + ")";
            case CHANNEL_RECEIVE -> "channel " + wait.target() + " (receive" + wait.detail().map(d -> ", " + d).orElse("")
                    + ")";
            case JOIN -> "the end of " + wait.target();
            case SCOPE_JOIN -> "the tasks of " + wait.target();
            case PERMIT, EXECUTOR_PERMIT -> wait.target() + wait.detail().map(d -> " (" + d + ")").orElse("");
            case SELECT -> "a select over " + wait.target() + wait.detail().map(d -> " (" + d + ")").orElse("");
            case STAGE -> "stage " + wait.target() + " (Bridge.await)";
        };
        return "waits for " + what;
    }

    /** " for 1.250s", or nothing when the wait's start is unknown. */
    static String waited(WaitNode wait) {
        return wait.waited().map(d -> " for " + seconds(d)).orElse("");
    }

    private static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.3fs", duration.toNanos() / 1e9);
    }

    /**
     * Renders the snapshot as JSON: {@code {"takenAt", "nodes", "truncated", "scopes": [...],
     * "waitChains": [...], "deadlocks": [...]}}; a scope has {@code name, owner, policy,
     * deadline, remainingMillis, ageMillis, ownerWaits, tasks, tasksLeftOut, scopes}, a task
     * {@code id, state, daemon, thread, ageMillis, waitsFor, holds, scopes}, a wait {@code kind, target,
     * holder, detail, waitedMillis, inDeadlock}; absent values are {@code null}.
     *
     * @return the JSON text
     */
    public String toJson() {
        StringBuilder out = new StringBuilder();
        out.append("{\"takenAt\":");
        string(out, takenAt.toString());
        out.append(",\"nodes\":").append(nodes).append(",\"truncated\":").append(truncated).append(",\"scopes\":[");
        for (int i = 0; i < scopes.size(); i++) {
            out.append(i == 0 ? "" : ",");
            json(out, scopes.get(i));
        }
        out.append("],\"waitChains\":");
        strings(out, waitChains);
        out.append(",\"deadlocks\":");
        strings(out, deadlocks);
        return out.append('}').toString();
    }

    private static void json(StringBuilder out, ScopeNode scope) {
        out.append("{\"name\":");
        string(out, scope.name());
        out.append(",\"owner\":");
        string(out, scope.owner());
        out.append(",\"policy\":");
        string(out, scope.policy());
        out.append(",\"deadline\":");
        string(out, scope.deadline());
        out.append(",\"remainingMillis\":").append(scope.remaining().map(d -> String.valueOf(d.toMillis())).orElse("null"));
        out.append(",\"ageMillis\":").append(scope.age().toMillis()).append(",\"ownerWaits\":");
        json(out, scope.ownerWaits());
        out.append(",\"tasks\":[");
        for (int i = 0; i < scope.tasks().size(); i++) {
            TaskNode task = scope.tasks().get(i);
            out.append(i == 0 ? "" : ",").append("{\"id\":").append(task.id()).append(",\"state\":\"")
                    .append(task.state()).append("\",\"daemon\":").append(task.daemon()).append(",\"thread\":");
            string(out, task.thread());
            out.append(",\"ageMillis\":").append(task.age().map(d -> String.valueOf(d.toMillis())).orElse("null"))
                    .append(",\"waitsFor\":");
            json(out, task.waitsFor());
            out.append(",\"holds\":");
            strings(out, task.holds());
            out.append(",\"scopes\":[");
            jsonScopes(out, task.scopes());
            out.append("]}");
        }
        out.append("],\"tasksLeftOut\":").append(scope.tasksLeftOut()).append(",\"scopes\":[");
        jsonScopes(out, scope.scopes());
        out.append("]}");
    }

    private static void jsonScopes(StringBuilder out, List<ScopeNode> scopes) {
        for (int i = 0; i < scopes.size(); i++) {
            out.append(i == 0 ? "" : ",");
            json(out, scopes.get(i));
        }
    }

    private static void json(StringBuilder out, Optional<WaitNode> node) {
        if (node.isEmpty()) {
            out.append("null");
            return;
        }
        WaitNode wait = node.get();
        out.append("{\"kind\":\"").append(wait.kind()).append("\",\"target\":");
        string(out, wait.target());
        out.append(",\"holder\":");
        string(out, wait.holder());
        out.append(",\"detail\":");
        string(out, wait.detail());
        out.append(",\"waitedMillis\":").append(wait.waited().map(d -> String.valueOf(d.toMillis())).orElse("null"))
                .append(",\"inDeadlock\":").append(wait.inDeadlock()).append('}');
    }

    private static void strings(StringBuilder out, List<String> values) {
        out.append('[');
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ",");
            string(out, values.get(i));
        }
        out.append(']');
    }

    private static void string(StringBuilder out, Optional<String> value) {
        if (value.isEmpty()) {
            out.append("null");
        } else {
            string(out, value.get());
        }
    }

    private static void string(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return "StructureSnapshot[" + nodes + " nodes" + (truncated ? ", truncated" : "") + " at " + takenAt + "]";
    }
}
