package dev.fearless.structure;

import static dev.fearless.structure.Snapshots.awaitSnapshot;
import static dev.fearless.structure.Snapshots.scope;
import static dev.fearless.structure.Snapshots.taskWaiting;
import static dev.fearless.structure.Snapshots.waits;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.bridge.Bridge;
import dev.fearless.bridge.LimitPolicy;
import dev.fearless.bridge.VirtualExecutor;
import dev.fearless.channel.Channel;
import dev.fearless.channel.Select;
import dev.fearless.handle.LockGuard;
import dev.fearless.handle.Shared;
import dev.fearless.lock.HeldLocks;
import dev.fearless.lock.Locks;
import dev.fearless.lock.OrderedLock;
import dev.fearless.scope.Scope;
import dev.fearless.testing.ThreadKind;
import dev.fearless.tracking.Tracking;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 21: the snapshot names waits on a select, an executor permit and a {@code Bridge.await}
 * stage, and the locks and handles each task holds.
 */
@Timeout(120)
class StructureWaitsAndHoldsTest {

    @BeforeEach
    void enable() {
        Structure.enable();
    }

    @AfterEach
    void disable() {
        Structure.disable();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void selectExecutorPermitAndStageWaitsAreNamed(ThreadKind kind) throws Exception {
        Channel<Integer> in = Channel.buffered(2, "in");                   // empty: a receive waits
        Channel<Integer> out = Channel.buffered(1, "out");
        out.send(0);                                                        // full: a send waits
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> quote = new CompletableFuture<>();
        CompletableFuture<String> invoice = new CompletableFuture<>();
        try (VirtualExecutor thumbs = VirtualExecutor.builder().name("thumbs").limit(1, LimitPolicy.block())
                .threadFactory(kind.factory()).build();
                var waits = Scope.builder().name("waits").threadFactory(kind.factory()).open()) {
            CompletableFuture<?> running = thumbs.submit(() -> {                 // holds the only permit
                release.await();
                return null;
            });
            try {
                waits.fork(() -> Select.select(in.receiveClause(), out.sendClause(1)));
                waits.fork(() -> thumbs.submit(() -> "second").join());           // blocks for the permit
                waits.fork(() -> Bridge.await(quote));
                waits.fork(Bridge.awaiting(() -> invoice));

                StructureSnapshot snapshot = awaitSnapshot(s -> scope(s, "waits").map(scope -> waits(scope).size() == 4)
                        .orElse(false));
                ScopeNode scope = scope(snapshot, "waits").orElseThrow();

                WaitNode select = taskWaiting(scope, WaitKind.SELECT).waitsFor().orElseThrow();
                assertEquals("in (receive), out (send)", select.target());
                assertEquals(Optional.of("in 0/2 buffered; out 1/1 buffered"), select.detail());
                assertTrue(select.waited().isPresent());

                WaitNode permit = taskWaiting(scope, WaitKind.EXECUTOR_PERMIT).waitsFor().orElseThrow();
                assertEquals("a permit of executor \"thumbs\" (limit 1)", permit.target());
                assertEquals(Optional.of("1/1 running, 1 waiting"), permit.detail());

                List<WaitNode> stages = scope.tasks().stream().flatMap(t -> t.waitsFor().stream())
                        .filter(w -> w.kind() == WaitKind.STAGE).toList();
                assertEquals(2, stages.size(), stages.toString());
                for (CompletableFuture<String> stage : List.of(quote, invoice)) {
                    String name = "java.util.concurrent.CompletableFuture@" + Integer.toHexString(System.identityHashCode(stage));
                    assertTrue(stages.stream().anyMatch(w -> w.target().equals(name) && w.detail().equals(Optional.of("incomplete"))),
                            name + " not in " + stages);
                }

                String text = snapshot.toText();
                assertTrue(text.contains("waits for a select over in (receive), out (send) (in 0/2 buffered; out 1/1 buffered)"),
                        text);
                assertTrue(text.contains("waits for a permit of executor \"thumbs\" (limit 1) (1/1 running, 1 waiting)"), text);
                assertTrue(text.contains("(Bridge.await)"), text);
                String json = snapshot.toJson();
                assertTrue(json.contains("\"kind\":\"SELECT\",\"target\":\"in (receive), out (send)\""), json);
                assertTrue(json.contains("\"kind\":\"EXECUTOR_PERMIT\""), json);
                assertTrue(json.contains("\"kind\":\"STAGE\""), json);
            } finally {                                                       // free every waiter, pass or fail
                in.trySend(7);                                                // completes the select
                release.countDown();                                          // frees the permit
                quote.complete("q");
                invoice.complete("i");
            }
            waits.join();
            running.join();
        }
        assertEquals(0, out.receive());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void eachTaskListsTheLocksAndHandlesItHolds(ThreadKind kind) throws Exception {
        OrderedLock ledger = new OrderedLock("ledger");
        OrderedLock left = new OrderedLock("left");
        OrderedLock right = new OrderedLock("right");
        Shared<Integer> account = Shared.of("acc-9", 0);
        OrderedLock released = new OrderedLock("released");
        CountDownLatch ready = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        try (var holders = Scope.builder().name("holders").threadFactory(kind.factory()).open()) {
            holders.fork(() -> {
                ledger.lock();
                try {
                    ledger.lock();                                            // reentrant: one hold recorded
                    ledger.unlock();                                          // still held once
                    try (LockGuard<Integer> guard = account.lock()) {
                        ready.countDown();
                        release.await();
                        return guard.get();
                    }
                } finally {
                    ledger.unlock();
                }
            });
            holders.fork(() -> {
                try (HeldLocks both = Locks.lockAll(right, left)) {
                    ready.countDown();
                    release.await();
                    return both.locks().size();
                }
            });
            holders.fork(() -> {
                released.lock();
                released.unlock();                                            // released: not listed
                ready.countDown();
                release.await();
                return 0;
            });
            ready.await();
            StructureSnapshot snapshot = Structure.snapshot();
            ScopeNode scope = scope(snapshot, "holders").orElseThrow(() -> new AssertionError(snapshot.toText()));
            List<List<String>> holds = scope.tasks().stream().map(TaskNode::holds).toList();
            assertEquals(3, holds.size(), snapshot.toText());
            assertEquals(2, holds.getFirst().size(), holds.toString());
            assertEquals("ledger#" + ledger.rank(), holds.getFirst().getFirst(), "oldest first, reentry counted once");
            assertTrue(holds.getFirst().get(1).startsWith("acc-9#"), holds.toString());
            assertEquals(List.of("left#" + left.rank(), "right#" + right.rank()), holds.get(1), "rank order");
            assertEquals(List.of(), holds.get(2));
            assertTrue(snapshot.toText().contains("holds " + ledger.name() + "#" + ledger.rank() + ", acc-9#"),
                    snapshot.toText());
            assertTrue(snapshot.toJson().contains("\"holds\":[\"ledger#" + ledger.rank() + "\",\"acc-9#"),
                    snapshot.toJson());
            release.countDown();
            holders.join();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void whileDisabledNoWaitIsRecorded(ThreadKind kind) throws Exception {
        Structure.disable();
        Channel<Integer> in = Channel.buffered(1, "quiet-in");
        CompletableFuture<String> stage = new CompletableFuture<>();
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> threads = new java.util.ArrayList<>();
        try (VirtualExecutor full = VirtualExecutor.builder().name("quiet").limit(1, LimitPolicy.block())
                .threadFactory(kind.factory()).build()) {
            try {
                full.submit(() -> {                                            // holds the only permit
                    release.await();
                    return null;
                });
                threads.add(kind.builder().start(() -> {
                    try {
                        Select.select(in.receiveClause());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                threads.add(kind.builder().start(() -> full.submit(() -> "x").join()));
                threads.add(kind.builder().start(() -> {
                    try {
                        Bridge.await(stage);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                await().atMost(Duration.ofSeconds(30)).until(() -> threads.stream()
                        .allMatch(t -> t.getState() == Thread.State.WAITING));
                for (Thread thread : threads) {
                    assertEquals(null, Tracking.waitOf(thread), thread + " recorded a wait while tracking was off");
                }
            } finally {                                                        // free every waiter, pass or fail
                in.trySend(1);
                stage.complete("done");
                release.countDown();
            }
        }
        for (Thread thread : threads) {
            assertTrue(thread.join(Duration.ofSeconds(30)), thread + " did not finish");
        }
    }

    @Test
    void holdsAreRecordedOnlyWhileEnabledAndForgottenOnRelease() {
        OrderedLock lock = new OrderedLock("solo");
        Thread me = Thread.currentThread();
        lock.lock();
        assertEquals(List.of("solo#" + lock.rank()), Tracking.heldBy(me));
        lock.unlock();
        assertEquals(List.of(), Tracking.heldBy(me));

        Structure.disable();
        lock.lock();
        assertEquals(List.of(), Tracking.heldBy(me), "nothing is recorded while disabled");
        Structure.enable();
        lock.unlock();                                                        // taken while disabled: a no-op
        assertEquals(List.of(), Tracking.heldBy(me));

        lock.lock();
        Structure.disable();
        lock.unlock();                                                        // released while disabled
        Structure.enable();
        assertEquals(List.of(), Tracking.heldBy(me), "no stale hold survives into the next enabled period");
        assertFalse(lock.isHeldByCurrentThread());
    }
}
