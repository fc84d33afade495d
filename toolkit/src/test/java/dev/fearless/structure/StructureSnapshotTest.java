package dev.fearless.structure;

import static dev.fearless.structure.Snapshots.awaitSnapshot;
import static dev.fearless.structure.Snapshots.scope;
import static dev.fearless.structure.Snapshots.taskWaiting;
import static dev.fearless.structure.Snapshots.waits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.channel.Channel;
import dev.fearless.handle.LockGuard;
import dev.fearless.handle.Shared;
import dev.fearless.lock.OrderedLock;
import dev.fearless.scope.Policy;
import dev.fearless.scope.Scope;
import dev.fearless.scope.ScopeCancelledException;
import dev.fearless.scope.Task;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 21: the snapshot shows nested scopes, running tasks and what each blocked task waits for. */
@Timeout(120)
class StructureSnapshotTest {

    @BeforeEach
    void enable() {
        Structure.enable();
    }

    @AfterEach
    void disable() {
        Structure.disable();
    }

    private static ThreadFactory factory(boolean virtual) {
        return virtual ? Thread.ofVirtual().name("structure-v-", 0).factory()
                : Thread.ofPlatform().name("structure-p-", 0).factory();
    }

    @ParameterizedTest(name = "virtual={0}")
    @ValueSource(booleans = {true, false})
    void theSnapshotNamesEachWaitOfNestedScopesTasks(boolean virtual) throws Exception {
        ThreadFactory threads = factory(virtual);
        Channel<Integer> orders = Channel.buffered(1, "orders");
        orders.send(0);                                                    // full: the next send waits
        Shared<Integer> account = Shared.of("acc-3", 0);
        CountDownLatch lockHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (var crawl = Scope.builder().name("crawl").threadFactory(threads).open()) {
            crawl.fork(() -> {
                try (LockGuard<Integer> guard = account.lock()) {
                    lockHeld.countDown();
                    orders.send(guard.get());                              // blocks: the channel is full
                }
                return "sent";
            });
            lockHeld.await();
            crawl.fork(() -> account.read(value -> value));               // blocks on the held Shared
            Task<Object> sleeper = crawl.fork(() -> {
                release.await();                                           // a wait tracking does not see
                return "slept";
            });
            crawl.fork(sleeper::join);                                     // blocks joining a sibling
            crawl.fork(() -> {
                try (var inner = Scope.builder().name("inner").threadFactory(threads).open()) {
                    inner.fork(() -> {
                        release.await();
                        return "inner";
                    });
                    inner.join();                                          // the owner waits for its task
                }
                return "nested";
            });

            StructureSnapshot snapshot = awaitSnapshot(s -> {
                Optional<ScopeNode> scope = scope(s, "crawl");
                return scope.isPresent() && scope.get().tasks().size() == 5
                        && waits(scope.get()).size() == 4
                        && scope.get().tasks().stream().anyMatch(t -> !t.scopes().isEmpty()
                                && t.scopes().getFirst().ownerWaits().isPresent());
            });
            ScopeNode scope = scope(snapshot, "crawl").orElseThrow();

            TaskNode sender = taskWaiting(scope, WaitKind.CHANNEL_SEND);
            assertEquals("orders", sender.waitsFor().orElseThrow().target());
            assertEquals(Optional.of("1/1 buffered"), sender.waitsFor().orElseThrow().detail());

            TaskNode locker = taskWaiting(scope, WaitKind.LOCK);
            WaitNode lock = locker.waitsFor().orElseThrow();
            assertTrue(lock.target().startsWith("acc-3#"), lock.target());
            assertEquals(sender.thread(), lock.holder(), "the Shared is held by the task blocked on the channel");
            assertFalse(lock.inDeadlock());

            TaskNode joiner = taskWaiting(scope, WaitKind.JOIN);
            WaitNode join = joiner.waitsFor().orElseThrow();
            TaskNode sleeping = scope.tasks().stream().filter(t -> t.thread().equals(join.holder())).findFirst()
                    .orElseThrow(() -> new AssertionError("the joined task is not among " + scope.tasks()));
            assertTrue(sleeping.waitsFor().isEmpty(), "a latch wait is not tracked: " + sleeping);
            assertTrue(join.waited().isPresent());

            TaskNode opener = scope.tasks().stream().filter(t -> !t.scopes().isEmpty()).findFirst().orElseThrow();
            ScopeNode inner = opener.scopes().getFirst();
            assertEquals("inner", inner.name());
            assertEquals(opener.thread().orElseThrow(), inner.owner());
            assertEquals(WaitKind.SCOPE_JOIN, inner.ownerWaits().orElseThrow().kind());
            assertEquals(1, inner.tasks().size());
            assertTrue(scope.tasks().stream().allMatch(t -> t.thread().orElseThrow().contains(virtual
                    ? "virtual" : "structure-p-")), scope.tasks().toString());

            String chain = snapshot.waitChains().stream().filter(line -> line.startsWith("task #" + locker.id()))
                    .findFirst().orElseThrow(() -> new AssertionError(snapshot.waitChains().toString()));
            assertEquals("task #" + locker.id() + " in scope \"crawl\" waits for lock " + lock.target()
                    + " held by task #" + sender.id() + " in scope \"crawl\", which waits for channel orders (send, 1/1 buffered)",
                    chain.replaceAll(" for \\d+\\.\\d+s", ""));
            String joinChain = "task #" + joiner.id() + " in scope \"crawl\" waits for the end of a task in scope"
                    + " \"crawl\" run by task #" + sleeping.id() + " in scope \"crawl\" for ";
            assertTrue(snapshot.waitChains().stream().anyMatch(line -> line.startsWith(joinChain)),
                    snapshot.waitChains().toString());

            String text = snapshot.toText();
            assertTrue(text.contains("scope \"crawl\" owner "), text);
            assertTrue(text.contains("scope \"inner\" owner " + inner.owner()), text);
            String json = snapshot.toJson();
            assertTrue(json.contains("\"kind\":\"CHANNEL_SEND\",\"target\":\"orders\""), json);
            assertTrue(json.contains("\"name\":\"inner\""), json);

            release.countDown();
            assertEquals(0, orders.receive());                             // frees the sender, then the lock
            crawl.join();
            assertEquals(0, orders.receive());
        }
        assertTrue(scope(Structure.snapshot(), "crawl").isEmpty(), "a closed scope leaves the snapshot");
    }

    @ParameterizedTest(name = "virtual={0}")
    @ValueSource(booleans = {true, false})
    void tasksInALockCycleAreMarkedAndTheCycleIsListed(boolean virtual) throws Exception {
        OrderedLock a = new OrderedLock("cycle-a");
        OrderedLock b = new OrderedLock("cycle-b");
        CountDownLatch bothHold = new CountDownLatch(2);
        try (var bank = Scope.builder().name("bank").threadFactory(factory(virtual)).open()) {
            bank.fork(() -> takeThenWait(a, b, bothHold));
            bank.fork(() -> takeThenWait(b, a, bothHold));
            StructureSnapshot snapshot = awaitSnapshot(s -> scope(s, "bank").map(scope -> scope.tasks().stream()
                    .filter(t -> t.waitsFor().map(WaitNode::inDeadlock).orElse(false)).count() == 2).orElse(false));
            assertFalse(snapshot.deadlocks().isEmpty());
            assertTrue(snapshot.deadlocks().getFirst().contains("cycle-a"), snapshot.deadlocks().toString());
            assertTrue(snapshot.waitChains().stream().anyMatch(line -> line.endsWith("(a cycle) [DEADLOCK]")),
                    snapshot.waitChains().toString());
            assertTrue(snapshot.toText().contains("Deadlocks:"), snapshot.toText());
            bank.cancel();                                                 // interrupts both: the cycle breaks
            assertThrows(ScopeCancelledException.class, bank::join);
        }
    }

    @ParameterizedTest(name = "virtual={0}")
    @ValueSource(booleans = {true, false})
    void aTaskWaitingForAMaxConcurrencyPermitSaysSo(boolean virtual) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        try (var limited = Scope.builder().name("limited").maxConcurrency(1).threadFactory(factory(virtual)).open()) {
            limited.fork(() -> {
                holding.countDown();                                       // runs: holds the only permit
                release.await();
                return "first";
            });
            holding.await();                                               // else the second could take it first
            limited.fork(() -> "second");                                  // waits for the permit
            StructureSnapshot snapshot = awaitSnapshot(s -> scope(s, "limited").map(scope -> scope.tasks().stream()
                    .anyMatch(t -> t.waitsFor().map(w -> w.kind() == WaitKind.PERMIT).orElse(false))).orElse(false));
            TaskNode waiting = taskWaiting(scope(snapshot, "limited").orElseThrow(), WaitKind.PERMIT);
            assertEquals("a maxConcurrency permit of scope \"limited\"", waiting.waitsFor().orElseThrow().target());
            assertTrue(snapshot.toText().contains("waits for a maxConcurrency permit of scope \"limited\""),
                    snapshot.toText());
            release.countDown();
            limited.join();
        }
    }

    private static Object takeThenWait(OrderedLock first, OrderedLock second, CountDownLatch bothHold)
            throws InterruptedException {
        first.lockInterruptibly();
        try {
            bothHold.countDown();
            bothHold.await();
            second.lockInterruptibly();
            second.unlock();
        } finally {
            first.unlock();
        }
        return "unreachable unless the cycle broke";
    }

    @Test
    void theSizeBoundIsRespectedAndStated() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (var wide = Scope.builder().name("wide").open()) {
            for (int i = 0; i < 10; i++) {
                wide.fork(() -> {
                    release.await();
                    return null;
                });
            }
            awaitSnapshot(s -> scope(s, "wide").map(scope -> scope.tasks().size() == 10).orElse(false));
            StructureSnapshot small = Structure.snapshot(4);
            assertTrue(small.truncated());
            assertTrue(small.nodeCount() <= 4, small.toString());
            assertTrue(small.toText().contains("TRUNCATED"), small.toText());
            assertThrows(IllegalArgumentException.class, () -> Structure.snapshot(0));
            release.countDown();
            wide.join();
        }
    }

    @Test
    void aScopeOpenedInsideAnotherOnTheSameThreadHangsBelowIt() throws Exception {
        try (var outer = Scope.builder().name("outer").timeout(Duration.ofMinutes(5)).open()) {
            try (var inner = Scope.builder().name("inner-same-thread").open()) {
                StructureSnapshot snapshot = Structure.snapshot();
                ScopeNode node = scope(snapshot, "outer").orElseThrow(() -> new AssertionError(snapshot.toText()));
                assertEquals(List.of("inner-same-thread"), node.scopes().stream().map(ScopeNode::name).toList());
                assertTrue(scope(snapshot, "inner-same-thread").isEmpty(), "not a root as well");
                assertEquals("timeout PT5M", node.deadline().orElseThrow());
                assertTrue(node.remaining().orElseThrow().compareTo(Duration.ofMinutes(5)) <= 0);
                assertEquals(dev.fearless.internal.Threads.current(), node.owner());
                inner.join();
            }
            outer.join();
        }
    }

    @Test
    void aPolicyWhoseToStringThrowsDoesNotBreakTheSnapshot() throws Exception {
        Policy<Object, String> broken = new Policy<>() {
            @Override
            public String result() {
                return "done";
            }

            @Override
            public String toString() {
                throw new IllegalStateException("broken toString");
            }
        };
        try (var scope = Scope.builder().name("odd-policy").policy(broken).open()) {
            ScopeNode node = scope(Structure.snapshot(), "odd-policy").orElseThrow();
            assertTrue(node.policy().contains("broken toString"), node.policy());
            assertEquals("done", scope.join());
        }
    }

    @Test
    void nothingIsRecordedWhileDisabled() throws Exception {
        Structure.disable();
        assertFalse(Structure.isEnabled());
        try (var quiet = Scope.builder().name("quiet").open()) {
            quiet.fork(() -> "x");
            StructureSnapshot snapshot = Structure.snapshot();
            assertTrue(scope(snapshot, "quiet").isEmpty());
            assertTrue(snapshot.toText().contains("disabled"), snapshot.toText());
            Structure.enable();                                            // a scope opened before is not tracked
            assertTrue(scope(Structure.snapshot(), "quiet").isEmpty());
            quiet.join();
        }
    }
}
