package dev.fearless.test;

import dev.fearless.internal.SchedulingPoints;
import dev.fearless.internal.TimeSource;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a {@link Scenario} under many schedules of its virtual threads, one thread at a time, each
 * decision taken by a seeded {@link Strategy}; reports the first failing schedule with a trace and
 * the line that replays it exactly.
 *
 * <pre>{@code
 * Explorer.explore(ExploreOptions.defaults().schedules(500).seed(1), () -> {
 *     ReentrantLock a = new ReentrantLock(), b = new ReentrantLock();
 *     Thread t1 = Explorer.threadFactory().newThread(() -> {
 *         a.lock(); Explorer.point("holds a"); b.lock(); b.unlock(); a.unlock();
 *     });
 *     Thread t2 = Explorer.threadFactory().newThread(() -> {
 *         b.lock(); Explorer.point("holds b"); a.lock(); a.unlock(); b.unlock();
 *     });
 *     t1.start(); t2.start(); t1.join(); t2.join();
 * });   // throws ExplorationFailure: "deadlock: no controlled thread can run ..."
 * }</pre>
 *
 * <h2>What is controlled</h2>
 * The scenario runs in a controlled virtual thread named {@code main}; every thread made by
 * {@link #threadFactory()} from a controlled thread is controlled too (pass the factory to
 * {@code Scope.builder().threadFactory(..)} or {@code VirtualExecutor.builder().threadFactory(..)}).
 * A controlled thread runs until it parks (a lock, a condition, a channel, a join), yields, reaches
 * {@link #point(String)} or ends; then the strategy picks the next runnable thread. Fearless
 * operations are scheduling points too: taking or releasing an {@code OrderedLock} (and so every
 * handle access), a channel send or receive, a scope's fork and join. A plain field access, a JDK
 * lock taken uncontended or an unpark does not end a step: put a {@link #point(String)} between two
 * such operations for the explorer to interleave them. The deadlines and timeouts of Fearless
 * primitives (scope deadlines and timers, timed channel and lock operations, {@code Select}
 * timeouts, {@code Bridge.await(stage, timeout)}) run on virtual time: when no controlled thread
 * can run, time jumps to the earliest deadline. {@code Thread.sleep}, the JDK's own timed waits,
 * I/O, contended {@code synchronized} monitors and threads made any other way are not
 * controlled: their wake-ups are waited for in wall time and reported.
 *
 * <p>Only one exploration runs at a time in a JVM; others wait. The test JVM needs
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}; without it every call fails at once with a
 * message that names the flag.
 */
public final class Explorer {

    private static final ReentrantLock EXCLUSIVE = new ReentrantLock();
    private static final long WATCH_MILLIS = 50;
    /** Number of explorations running: points and the factory cost one read when it is 0. */
    private static volatile int active;

    private static final ThreadFactory FACTORY = task -> {
        Objects.requireNonNull(task, "task");
        Controlled caller = active == 0 ? null : Run.current();
        if (caller == null || caller.run.finished) {
            return Thread.ofVirtual().unstarted(task);
        }
        return caller.run.newThread(task, null);
    };

    /** A toolkit operation about to run in a controlled thread: a scheduling point labelled with it. */
    private static final SchedulingPoints.Hook TOOLKIT_POINTS = (primitive, name, operation) -> {
        Controlled current = Run.current();
        if (current == null || current.run.finished) {
            return;
        }
        current.label = primitive + "[" + name + "]." + operation;
        current.toolkitPoint = true;
        Thread.yield();
    };

    private Explorer() {}

    /**
     * Explores the scenario and throws the first failure found.
     *
     * @param options how to explore
     * @param scenario what to run under each schedule
     * @return what the exploration did, when no schedule failed
     * @throws ExplorationFailure if a schedule failed (the report is its message)
     * @throws InterruptedException if the calling thread was interrupted while waiting
     * @throws IllegalStateException if the test JVM lacks the {@code --add-opens} flag, or the
     *         caller is itself a controlled thread
     * @throws NullPointerException if an argument is null
     */
    public static Exploration explore(ExploreOptions options, Scenario scenario) throws InterruptedException {
        Exploration result = search(options, scenario);
        Optional<ExplorationFailure> failure = result.failure();
        if (failure.isPresent()) {
            throw failure.get();
        }
        return result;
    }

    /**
     * Explores the scenario and returns what it found, failure included, without throwing it:
     * for tests that expect a bug to be found.
     *
     * @param options how to explore
     * @param scenario what to run under each schedule
     * @return what the exploration did and found
     * @throws InterruptedException if the calling thread was interrupted while waiting
     * @throws IllegalStateException if the test JVM lacks the {@code --add-opens} flag, or the
     *         caller is itself a controlled thread
     * @throws NullPointerException if an argument is null
     */
    public static Exploration search(ExploreOptions options, Scenario scenario) throws InterruptedException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(scenario, "scenario");
        if (Run.current() != null) {
            throw new IllegalStateException("explorations cannot be nested: this thread is controlled by one");
        }
        VirtualThreads.check();
        ExploreOptions effective = options.withSystemProperties();
        EXCLUSIVE.lockInterruptibly();
        Engine engine = new Engine(effective, scenario);
        active++;
        ToolkitSpin.requestOff();
        TimeSource.install(VirtualClock.INSTANCE);   // toolkit deadlines and timeouts run on virtual time
        SchedulingPoints.install(TOOLKIT_POINTS);     // and toolkit operations are scheduling points
        try {
            Thread driver = Thread.ofPlatform().daemon().name("fearless-explorer").unstarted(engine);
            driver.start();
            long stepTimeout = effective.stepTimeout().toNanos();
            try {
                while (!driver.join(Duration.ofMillis(WATCH_MILLIS))) {
                    Run run = engine.run;
                    long started = run == null ? 0L : run.stepStarted;
                    if (run != null && started != 0L && System.nanoTime() - started > stepTimeout) {
                        engine.cancel();
                        ExplorationFailure failure = engine.stuck(run);
                        return new Exploration(engine.started, run.steps, false, engine.seed, Optional.of(failure));
                    }
                }
            } catch (InterruptedException e) {
                engine.cancel();
                throw e;
            }
            Throwable crash = engine.crash();
            if (crash != null) {
                throw new IllegalStateException("the explorer failed: " + crash, crash);
            }
            return Objects.requireNonNull(engine.result());
        } finally {
            SchedulingPoints.install(null);
            TimeSource.install(null);
            active--;
            EXCLUSIVE.unlock();
        }
    }

    /**
     * Returns the thread factory of explorations. Called from a controlled thread, it makes a new,
     * unstarted controlled thread of the same schedule (named {@code T1}, {@code T2}, ... in
     * creation order); called from any other thread, an ordinary unstarted virtual thread, so code
     * that takes a factory behaves normally outside exploration.
     *
     * @return the factory
     */
    public static ThreadFactory threadFactory() {
        return FACTORY;
    }

    /**
     * A scheduling point: in a controlled thread, lets the strategy run another thread here (the
     * label names the step in traces); anywhere else, does nothing. Put one between a read and a
     * write of shared plain state so that the explorer can interleave them.
     *
     * @param label what the thread is about to do, such as {@code "read balance"}
     * @throws NullPointerException if {@code label} is null
     */
    public static void point(String label) {
        Objects.requireNonNull(label, "label");
        if (active == 0) {
            return;
        }
        Controlled current = Run.current();
        if (current == null) {
            return;
        }
        current.label = label;
        Thread.yield();
    }

    /**
     * Returns whether the calling thread is controlled by an exploration.
     *
     * @return {@code true} inside a scenario's controlled threads
     */
    public static boolean isControlled() {
        return active != 0 && Run.current() != null;
    }
}
