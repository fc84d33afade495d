package dev.fearless.test.docs;

import dev.fearless.test.ExplorationFailure;
import dev.fearless.test.ExploreOptions;
import dev.fearless.test.Explorer;
import dev.fearless.test.Scenario;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The names the Javadoc examples of {@code dev.fearless.test} take for granted: a {@link #scenario}
 * with a lost update (so a search finds a failure), the {@link #failure} an exploration of a
 * lock-order deadlock reports, and an account to transfer between.
 */
@SuppressWarnings("unused")
public abstract class TestExamples {

    public static final class Account {
        private final ReentrantLock lock = new ReentrantLock();
        private int balance;

        public Account(int balance) {
            this.balance = balance;
        }

        public void transfer(Account to, int amount) {
            lock.lock();
            try {
                balance -= amount;
                to.balance += amount;
            } finally {
                lock.unlock();
            }
        }

        public int balance() {
            lock.lock();
            try {
                return balance;
            } finally {
                lock.unlock();
            }
        }
    }

    protected final Scenario scenario = () -> {
        int[] counter = {0};
        Runnable increment = () -> {
            int v = counter[0];
            Explorer.point("read");
            counter[0] = v + 1;
        };
        Thread a = Explorer.threadFactory().newThread(increment);
        Thread b = Explorer.threadFactory().newThread(increment);
        a.start();
        b.start();
        a.join();
        b.join();
        if (counter[0] != 2) {
            throw new AssertionError("lost update: " + counter[0]);
        }
    };

    protected final ExplorationFailure failure = deadlock();

    private static ExplorationFailure deadlock() {
        try {
            return Explorer.search(ExploreOptions.defaults().schedules(200).seed(1), () -> {
                ReentrantLock a = new ReentrantLock();
                ReentrantLock b = new ReentrantLock();
                Thread t1 = Explorer.threadFactory().newThread(() -> {
                    a.lock(); Explorer.point("holds a"); b.lock(); b.unlock(); a.unlock();
                });
                Thread t2 = Explorer.threadFactory().newThread(() -> {
                    b.lock(); Explorer.point("holds b"); a.lock(); a.unlock(); b.unlock();
                });
                t1.start(); t2.start(); t1.join(); t2.join();
            }).failure().orElseThrow(() -> new IllegalStateException("the deadlock was not found"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
