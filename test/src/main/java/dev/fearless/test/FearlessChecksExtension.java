package dev.fearless.test;

import dev.fearless.handle.Diagnostics;
import dev.fearless.lock.LockOrderChecker;
import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The Jupiter extension behind {@link FearlessChecks}. Registered by that annotation.
 *
 * <pre>{@code
 * @ExtendWith(FearlessChecksExtension.class)   // implied by @FearlessChecks
 * class TransferTest {}
 * }</pre>
 */
public final class FearlessChecksExtension implements BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(FearlessChecksExtension.class);
    private static final long LEAK_WAIT_NANOS = 100_000_000L;

    /** Creates the extension; Jupiter does this. */
    public FearlessChecksExtension() {}

    /** What one test did, as telemetry told it. */
    private static final class Watch implements TelemetryListener {
        final Queue<String> violations = new ConcurrentLinkedQueue<>();
        final Queue<String> leaks = new ConcurrentLinkedQueue<>();
        final Queue<String> poisoned = new ConcurrentLinkedQueue<>();
        final Map<String, AtomicInteger> openScopes = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> runningTasks = new ConcurrentHashMap<>();
        Set<Thread> before = Set.of();
        LockOrderChecker.Mode mode = LockOrderChecker.Mode.OFF;
        Diagnostics.LeakDetection leakDetection = Diagnostics.LeakDetection.SAMPLED;
        Telemetry.@org.jspecify.annotations.Nullable Registration registration;

        @Override
        public void lockOrderViolation(List<String> cycle, String report) {
            violations.add(report);
        }

        @Override
        public void handleLeaked(String handle, String kind) {
            leaks.add(kind + " of " + handle);
        }

        @Override
        public void handlePoisoned(String handle) {
            poisoned.add(handle);
        }

        @Override
        public void scopeOpened(String scope) {
            openScopes.computeIfAbsent(scope, s -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void scopeClosed(String scope, Outcome outcome, long durationNanos) {
            openScopes.computeIfAbsent(scope, s -> new AtomicInteger()).decrementAndGet();
        }

        @Override
        public void taskForked(String scope) {
            runningTasks.computeIfAbsent(scope, s -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void taskFinished(String scope, Outcome outcome, long durationNanos) {
            runningTasks.computeIfAbsent(scope, s -> new AtomicInteger()).decrementAndGet();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Watch watch = new Watch();
        watch.mode = LockOrderChecker.mode();
        watch.leakDetection = Diagnostics.leakDetection();
        watch.before = Set.copyOf(Thread.getAllStackTraces().keySet());
        LockOrderChecker.reset();
        LockOrderChecker.setMode(LockOrderChecker.Mode.THROW);
        Diagnostics.setLeakDetection(Diagnostics.LeakDetection.ALL);
        watch.registration = Telemetry.register(watch);
        context.getStore(NAMESPACE).put(Watch.class, watch);
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        Watch watch = context.getStore(NAMESPACE).remove(Watch.class, Watch.class);
        if (watch == null) {
            return;
        }
        FearlessChecks settings = context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, FearlessChecks.class))
                .or(() -> context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, FearlessChecks.class)))
                .orElse(null);
        boolean allowPoison = settings != null && settings.allowPoison();
        long grace = settings == null ? 1000 : settings.threadGrace();
        List<String> problems = new ArrayList<>();
        try {
            for (Thread thread : startedThreads(watch.before, grace)) {
                problems.add("thread \"" + thread.getName() + "\" (#" + thread.threadId() + ") started by the test is"
                        + " still alive (" + thread.getState() + ", in " + Stacks.operation(thread.getStackTrace()) + ")");
            }
            watch.openScopes.forEach((scope, open) -> {
                if (open.get() > 0) {
                    problems.add(open.get() + " scope(s) \"" + scope + "\" opened by the test and never closed");
                }
            });
            watch.runningTasks.forEach((scope, running) -> {
                if (running.get() > 0) {
                    problems.add(running.get() + " task(s) of scope \"" + scope + "\" still running");
                }
            });
            System.gc();
            long deadline = System.nanoTime() + LEAK_WAIT_NANOS;
            while (watch.leaks.isEmpty() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(5_000_000L);
            }
            watch.leaks.forEach(leak -> problems.add("leaked " + leak));
            watch.violations.forEach(report -> problems.add("lock-order violation: " + report));
            if (!allowPoison) {
                watch.poisoned.forEach(handle -> problems.add("handle \"" + handle + "\" was poisoned"));
            }
        } finally {
            if (watch.registration != null) {
                watch.registration.close();
            }
            LockOrderChecker.setMode(watch.mode);
            LockOrderChecker.reset();
            Diagnostics.setLeakDetection(watch.leakDetection);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("@FearlessChecks: " + String.join("\n  ", problems));
        }
    }

    /** Platform threads that the test started and that are still alive after the grace period. */
    private static List<Thread> startedThreads(Set<Thread> before, long graceMillis) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMillis(graceMillis).toNanos();
        List<Thread> alive = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (before.contains(thread) || infrastructure(thread)) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left > 0 && !thread.join(Duration.ofNanos(left))) {
                alive.add(thread);
            } else if (left <= 0 && thread.isAlive()) {
                alive.add(thread);
            }
        }
        return alive;
    }

    /** Threads of the JDK, of JUnit and of Fearless itself, which outlive tests by design. */
    private static boolean infrastructure(Thread thread) {
        String name = thread.getName();
        return thread instanceof ForkJoinWorkerThread || thread == Thread.currentThread()
                || name.startsWith("fearless-explorer") || name.startsWith("fearless-leak-detector")
                || name.startsWith("junit-") || name.startsWith("Common-Cleaner") || name.startsWith("VirtualThread-")
                || name.startsWith("Attach Listener") || name.startsWith("process reaper");
    }
}
