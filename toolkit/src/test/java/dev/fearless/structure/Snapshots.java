package dev.fearless.structure;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/** Reading snapshots in the structure tests: wait for a condition, find a scope, a wait or a waiting task. */
final class Snapshots {

    private Snapshots() {}

    static StructureSnapshot awaitSnapshot(Predicate<StructureSnapshot> condition) {
        List<StructureSnapshot> last = new ArrayList<>(List.of(Structure.snapshot()));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                last.set(0, Structure.snapshot());
                return condition.test(last.getFirst());
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the last snapshot did not show it:\n" + last.getFirst().toText(), e);
        }
        return last.getFirst();
    }

    static Optional<ScopeNode> scope(StructureSnapshot snapshot, String name) {
        return snapshot.scopes().stream().filter(scope -> scope.name().equals(name)).findFirst();
    }

    static List<WaitNode> waits(ScopeNode scope) {
        return scope.tasks().stream().flatMap(t -> t.waitsFor().stream()).toList();
    }

    static TaskNode taskWaiting(ScopeNode scope, WaitKind kind) {
        return scope.tasks().stream().filter(t -> t.waitsFor().map(w -> w.kind() == kind).orElse(false)).findFirst()
                .orElseThrow(() -> new AssertionError("no task waits for " + kind + " in " + scope));
    }
}
