package dev.fearless.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.channel.Channel;
import dev.fearless.channel.ChannelErrorException;
import dev.fearless.context.ContextPropagation;
import dev.fearless.context.ContextSnapshot;
import dev.fearless.testing.ThreadKind;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14: code the executor and the Flow adapters call back into (a context snapshot, a
 * propagator, a thread factory, a Flow peer) misbehaves; every count still balances and nothing
 * is left waiting.
 */
@Timeout(30)
class ExecutorFaultsTest {

    private final Queue<Throwable> uncaught = new ConcurrentLinkedQueue<>();

    private ThreadFactory recordingUncaught(ThreadKind kind) {
        return kind.builder().uncaughtExceptionHandler((thread, failure) -> uncaught.add(failure)).factory();
    }

    private static void assertBalanced(VirtualExecutor executor) {
        assertTrue(executor.isTerminated());
        assertEquals(executor.submitted(), executor.completed() + executor.failed(), executor::toString);
    }

    // ------------------------------------------------------------------ the snapshot runs the task exactly once

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aSnapshotThatNeverRunsTheTaskFailsIt(ThreadKind kind) throws Exception {
        ContextSnapshot skipping = body -> { };
        AtomicInteger ran = new AtomicInteger();
        VirtualExecutor executor = VirtualExecutor.builder().threadFactory(recordingUncaught(kind))
                .context(ContextPropagation.none().with(() -> skipping)).build();
        CompletableFuture<Integer> future;
        ScheduledFuture<Integer> timer;
        try (executor) {
            future = executor.submit(ran::incrementAndGet);
            executor.execute(ran::incrementAndGet);
            timer = executor.schedule(ran::incrementAndGet, 0, TimeUnit.MILLISECONDS);
        }
        for (java.util.concurrent.Future<Integer> f : List.of(future, timer)) {
            ExecutionException failed = assertThrows(ExecutionException.class, f::get);
            IllegalStateException cause = assertInstanceOf(IllegalStateException.class, failed.getCause());
            assertTrue(cause.getMessage().contains("returned without running the task"), cause.getMessage());
        }
        assertInstanceOf(IllegalStateException.class, uncaught.peek(), "execute's task fails visibly too");
        assertEquals(0, ran.get());
        assertEquals(3, executor.failed());
        assertBalanced(executor);
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aSnapshotThatRunsTheTaskTwiceIsRefusedTheSecondTime(ThreadKind kind) throws Exception {
        Queue<Throwable> refused = new ConcurrentLinkedQueue<>();
        ContextSnapshot twice = body -> {
            body.run();
            try {
                body.run();
            } catch (IllegalStateException e) {
                refused.add(e);
            }
        };
        AtomicInteger ran = new AtomicInteger();
        VirtualExecutor executor = VirtualExecutor.builder().threadFactory(recordingUncaught(kind))
                .context(ContextPropagation.none().with(() -> twice)).build();
        CompletableFuture<Integer> future;
        ScheduledFuture<Integer> timer;
        try (executor) {
            future = executor.submit(ran::incrementAndGet);
            executor.execute(ran::incrementAndGet);
            timer = executor.schedule(ran::incrementAndGet, 0, TimeUnit.MILLISECONDS);
        }
        assertEquals(3, ran.get(), "each task ran once");
        assertTrue(future.get() >= 1 && timer.get() >= 1);
        assertEquals(3, refused.size(), "every second run was refused");
        assertEquals(3, executor.completed());
        assertBalanced(executor);
        assertTrue(uncaught.isEmpty(), uncaught::toString);
    }

    // ------------------------------------------------------------------ a propagator whose capture() throws

    static Stream<Arguments> throwablesAndThreads() {
        return Stream.of(ThreadKind.values()).flatMap(kind -> Stream.of(
                new IllegalStateException("capture failed"), new AssertionError("capture failed"),
                new StackOverflowError("capture failed")).map(thrown -> Arguments.of(kind, thrown)));
    }

    @ParameterizedTest
    @MethodSource("throwablesAndThreads")
    void aCaptureThatThrowsRejectsTheSubmissionWithItsException(ThreadKind kind, Throwable thrown) throws Exception {
        AtomicBoolean failing = new AtomicBoolean(true);
        ContextPropagation propagation = ContextPropagation.none().with(() -> {
            if (failing.get()) {
                throw sneaky(thrown);
            }
            return ContextSnapshot.EMPTY;
        });
        AtomicInteger ran = new AtomicInteger();
        VirtualExecutor executor = VirtualExecutor.builder().threadFactory(kind.factory()).context(propagation)
                .limit(1, LimitPolicy.reject()).build();
        try (executor) {
            assertSame(thrown, assertThrows(Throwable.class, () -> executor.submit(ran::incrementAndGet)));
            assertSame(thrown, assertThrows(Throwable.class, () -> executor.execute(ran::incrementAndGet)));
            assertSame(thrown, assertThrows(Throwable.class,
                    () -> executor.schedule(ran::incrementAndGet, 0, TimeUnit.MILLISECONDS)));
            assertEquals(3, executor.rejected());
            assertEquals(0, executor.submitted());
            assertEquals(1, executor.availablePermits(), "no permit was taken");
            failing.set(false);
            assertEquals(1, executor.submit(ran::incrementAndGet).get(), "the executor still works");
        }
        assertEquals(1, executor.completed());
        assertBalanced(executor);
    }

    // ------------------------------------------------------------------ a factory that starts its thread

    static Stream<Arguments> startedThreads() {
        return Stream.of(ThreadKind.values()).flatMap(kind -> Stream.of(
                Arguments.of(kind, "running"), Arguments.of(kind, "terminated")));
    }

    @ParameterizedTest
    @MethodSource("startedThreads")
    void aFactoryThatReturnsAStartedThreadIsRefusedAndTheTaskNeverRuns(ThreadKind kind, String how) throws Exception {
        List<Thread> made = new CopyOnWriteArrayList<>();
        ThreadFactory rogue = runnable -> {
            Thread thread = kind.builder().unstarted(how.equals("running") ? runnable : () -> { });
            made.add(thread);
            thread.start();
            if (how.equals("terminated")) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            return thread;
        };
        AtomicInteger ran = new AtomicInteger();
        VirtualExecutor executor = VirtualExecutor.builder().threadFactory(rogue).limit(1, LimitPolicy.reject())
                .build();
        try (executor) {
            TaskRejectedException refused = assertThrows(TaskRejectedException.class,
                    () -> executor.submit(ran::incrementAndGet));
            assertEquals(TaskRejectedException.Reason.NO_THREAD, refused.reason());
            assertTrue(refused.getCause().getMessage().contains("a ThreadFactory must return a thread that is not"
                    + " started yet"), refused.getCause().getMessage());
            assertThrows(TaskRejectedException.class, () -> executor.execute(ran::incrementAndGet));
            assertThrows(TaskRejectedException.class, () -> executor.schedule(ran::incrementAndGet, 0, TimeUnit.SECONDS));
            for (Thread thread : made) {
                thread.join();
            }
            assertEquals(0, ran.get(), "the task never ran on the rogue thread");
            assertEquals(3, executor.rejected());
            assertEquals(0, executor.submitted());
            assertEquals(1, executor.availablePermits(), "the permit was given back once");
        }
        assertBalanced(executor);
    }

    // ------------------------------------------------------------------ Flows: thread factories and peers

    static Stream<Arguments> factoryFailures() {
        return Stream.of(ThreadKind.values()).flatMap(kind -> Stream.of(
                Arguments.of(kind, new IllegalStateException("no thread")),
                Arguments.of(kind, new OutOfMemoryError("unable to create native thread")),
                Arguments.of(kind, null))); // null: the factory starts the thread it returns
    }

    private static ThreadFactory failing(ThreadKind kind, Throwable failure, List<Thread> made) {
        return runnable -> {
            if (failure != null) {
                throw sneaky(failure);
            }
            Thread thread = kind.builder().unstarted(runnable);
            made.add(thread);
            thread.start();
            return thread;
        };
    }

    @ParameterizedTest
    @MethodSource("factoryFailures")
    void aPublisherWhoseFactoryFailsSignalsOnSubscribeThenOnErrorAndStaysFree(ThreadKind kind, Throwable failure)
            throws Exception {
        Channel<Integer> channel = Channel.unbounded();
        assertTrue(channel.trySend(7));
        List<Thread> made = new CopyOnWriteArrayList<>();
        Flow.Publisher<Integer> publisher = Flows.publisher(channel, failing(kind, failure, made));
        FlowsTest.Recorder<Integer> refused = new FlowsTest.Recorder<>(1);
        publisher.subscribe(refused);
        assertTrue(refused.subscription.isDone(), "onSubscribe first (rule 1.9)");
        ExecutionException error = assertThrows(ExecutionException.class, () -> refused.terminated.get());
        if (failure != null) {
            assertSame(failure, error.getCause());
        } else {
            assertTrue(error.getCause().getMessage().contains("not started yet"), error.getCause().getMessage());
        }
        for (Thread thread : made) {
            thread.join();
        }
        assertTrue(refused.items.isEmpty(), "the rogue thread delivered nothing");
        assertEquals(1, channel.size(), "nothing was received from the channel");

        Flow.Publisher<Integer> working = Flows.publisher(channel, kind.factory());
        FlowsTest.Recorder<Integer> next = new FlowsTest.Recorder<>(1);
        working.subscribe(next);
        assertEquals(7, next.items.poll(10, TimeUnit.SECONDS));
        next.subscription.get().cancel();
    }

    @ParameterizedTest
    @MethodSource("factoryFailures")
    void aSubscriberWhoseFactoryFailsErrorsTheChannelAndCancels(ThreadKind kind, Throwable failure) throws Exception {
        Channel<Integer> channel = Channel.unbounded();
        List<Thread> made = new CopyOnWriteArrayList<>();
        Flow.Subscriber<Integer> subscriber = Flows.subscriber(channel, failing(kind, failure, made));
        FlowsTest.ManualPublisher upstream = new FlowsTest.ManualPublisher();
        subscriber.onSubscribe(upstream);
        assertTrue(upstream.cancelled.get());
        ChannelErrorException closed = assertThrows(ChannelErrorException.class, channel::receive);
        if (failure != null) {
            assertSame(failure, closed.getCause());
        }
        for (Thread thread : made) {
            thread.join();
        }
        assertTrue(upstream.requests.isEmpty(), "the rogue thread never fed the channel");
    }

    @ParameterizedTest
    @MethodSource("throwablesAndThreads")
    void aPublisherWhoseRequestThrowsErrorsTheChannelInsteadOfLeavingItOpen(ThreadKind kind, Throwable thrown)
            throws Exception {
        Channel<Integer> channel = Channel.buffered(4);
        List<Thread> made = new CopyOnWriteArrayList<>();
        ThreadFactory factory = runnable -> {
            Thread thread = kind.builder().uncaughtExceptionHandler((t, e) -> { }).unstarted(runnable);
            made.add(thread);
            return thread;
        };
        Flow.Subscriber<Integer> subscriber = Flows.subscriber(channel, factory);
        AtomicReference<Boolean> cancelled = new AtomicReference<>(false);
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                throw sneaky(thrown);
            }

            @Override
            public void cancel() {
                cancelled.set(true);
            }
        });
        ChannelErrorException closed = assertThrows(ChannelErrorException.class, channel::receive,
                "the consumers are told instead of waiting forever");
        assertSame(thrown, closed.getCause());
        for (Thread thread : made) {
            thread.join();
        }
        assertTrue(cancelled.get(), "the misbehaving publisher's subscription was cancelled");
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable thrown) throws E {
        throw (E) thrown;
    }
}
