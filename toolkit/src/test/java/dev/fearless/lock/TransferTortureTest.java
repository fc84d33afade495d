package dev.fearless.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.lock.LockOrderChecker.Mode;
import dev.fearless.lock.Locks.Strategy;
import dev.fearless.testing.ThreadKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Torture: 64 accounts, hundreds of virtual threads moving money between random accounts
 * through the multi-lock, with every flavour of acquisition, random timeouts and a chaos thread
 * interrupting them. The total is conserved, every thread ends within the bound on 2 cores, and
 * no lock is left held or waited for.
 *
 * <p>{@code -Dstress.scale=N} (default 1) runs N times as many threads, each doing as many
 * transfers, with N times the time bound: for runs outside the default build.
 */
class TransferTortureTest {

    /** How many times the default load to run; {@code -Dstress.scale=N}, at least 1. */
    static final int SCALE = Math.max(1, Integer.getInteger("stress.scale", 1));

    private static final int ACCOUNTS = 64;
    private static final int THREADS = 300 * SCALE;
    private static final int TRANSFERS_PER_THREAD = 300;
    private static final long INITIAL_BALANCE = 1_000;

    @AfterEach
    void checkerOff() {
        LockOrderChecker.setMode(Mode.OFF);
        LockOrderChecker.reset();
    }

    static Stream<Arguments> strategiesAndCheckerModes() {
        return Arrays.stream(Strategy.values())
                .flatMap(strategy -> Stream.of(Mode.OFF, Mode.THROW).map(mode -> Arguments.of(strategy, mode)));
    }

    private static final class Account {
        final OrderedLock lock;
        long balance = INITIAL_BALANCE; // guarded by lock

        Account(int id) {
            lock = new OrderedLock("account-" + id, "Account");
        }
    }

    private static final class Counters {
        final AtomicLong transfers = new AtomicLong();
        final AtomicLong timeouts = new AtomicLong();
        final AtomicLong interrupts = new AtomicLong();
    }

    @ParameterizedTest
    @MethodSource("strategiesAndCheckerModes")
    void randomTransfersConserveTheTotalAndLeaveNothingHeld(Strategy strategy, Mode checker) {
        assertTimeoutPreemptively(Duration.ofSeconds(120L * SCALE), () -> transfers(strategy, checker));
    }

    private static void transfers(Strategy strategy, Mode checker) throws Exception {
        LockOrderChecker.setMode(checker); // THROW: sets never create orderings, so it must stay silent
        Account[] accounts = new Account[ACCOUNTS];
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts[i] = new Account(i);
        }
        Counters counters = new Counters();
        Queue<Throwable> failures = ThreadKind.failures();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            workers.add(ThreadKind.VIRTUAL.start(failures, () -> {
                for (int i = 0; i < TRANSFERS_PER_THREAD; i++) {
                    transferOnce(strategy, accounts, counters);
                }
                Thread.interrupted(); // a late interrupt from the chaos thread is not a failure
            }));
        }
        Thread chaos = ThreadKind.VIRTUAL.start(failures, () -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (workers.stream().anyMatch(Thread::isAlive)) {
                workers.get(random.nextInt(workers.size())).interrupt();
                LockSupport.parkNanos(random.nextLong(20_000, 200_000));
            }
        });
        for (Thread worker : workers) {
            worker.join(); // bounded by the scaled timeout around this method
        }
        ThreadKind.joinAll(failures, workers);
        ThreadKind.joinAll(failures, List.of(chaos));

        long total = 0;
        for (Account account : accounts) {
            assertFalse(account.lock.isLocked(), () -> account.lock + " left held");
            assertEquals(0, account.lock.getQueueLength());
            total += account.balance;
        }
        assertEquals(ACCOUNTS * INITIAL_BALANCE, total, "money is neither created nor destroyed");
        assertEquals((long) THREADS * TRANSFERS_PER_THREAD,
                counters.transfers.get() + counters.timeouts.get() + counters.interrupts.get());
        assertTrue(counters.transfers.get() > 0);
        assertTrue(workers.stream().noneMatch(RankedLock.WAITING::containsKey), "no wait registration left behind");
    }

    /** One transfer between two or three random accounts (possibly the same one twice). */
    private static void transferOnce(Strategy strategy, Account[] accounts, Counters counters) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Account from = accounts[random.nextInt(ACCOUNTS)];
        Account to = accounts[random.nextInt(ACCOUNTS)];
        Account fee = accounts[random.nextInt(ACCOUNTS)];
        List<RankedLock> set = List.of(from.lock, to.lock, fee.lock);
        long amount = random.nextLong(1, 50);
        try {
            HeldLocks held = switch (random.nextInt(4)) {
                case 0 -> Locks.lockAll(strategy, set);
                case 1 -> Locks.lockAllInterruptibly(strategy, set);
                case 2 -> Locks.tryLockAll(strategy, Duration.ofNanos(random.nextLong(1, 300_000)), set).orElse(null);
                default -> Locks.tryLockAll(strategy, Duration.ofSeconds(30), set).orElse(null);
            };
            if (held == null) {
                counters.timeouts.incrementAndGet();
                return;
            }
            try (held) {
                if (!from.lock.isHeldByCurrentThread() || !to.lock.isHeldByCurrentThread()
                        || !fee.lock.isHeldByCurrentThread()) {
                    throw new AssertionError("the set is not held: " + held);
                }
                from.balance -= amount;
                to.balance += amount - 1;
                fee.balance += 1;
            }
            counters.transfers.incrementAndGet();
        } catch (InterruptedException e) {
            counters.interrupts.incrementAndGet();
        }
    }
}
