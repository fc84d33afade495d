package dev.fearless.docs;

import dev.fearless.channel.Channel;
import dev.fearless.handle.Diagnostics;
import dev.fearless.handle.Owned;
import dev.fearless.handle.Shared;
import dev.fearless.handle.SharedRw;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names the Javadoc examples of {@code dev.fearless.handle} take for granted: counters,
 * accounts and a ledger behind {@link Shared} handles, an {@link Owned} order and batch (owned by
 * the thread that runs the example, which also builds this fixture). {@link #close()} restores the
 * leak-detection setting an example may change.
 */
@SuppressWarnings({"unused", "SameReturnValue"})
public abstract class HandleExamples implements AutoCloseable {

    /** Examples that compile but cannot run against one fixture, with the reason. */
    public static final Map<String, String> NOT_RUN = Map.of(
            "LockGuard.java: Shared<Deque<Job>> queue = Shared.of(\"jobs\", new ArrayDeque<>());",
            "its consumer and producer halves run on two threads; as one method body the consumer waits for good");

    public record Job(String id) {}

    public record Order(String id) {}

    public record Price(int cents) {}

    public record Receipt(long from, long to) {}

    public record Config(Duration timeout) {
        public static Config load() {
            return new Config(Duration.ofSeconds(1));
        }
    }

    public static final class InsufficientFundsException extends Exception {
        private static final long serialVersionUID = 1L;
    }

    public static final class Account {
        private final String id;
        private long balance = 100;
        private boolean frozen;

        public Account(String id) {
            this.id = id;
        }

        public void withdraw(long amount) {
            balance -= amount;
        }

        public void deposit(long amount) {
            balance += amount;
        }

        public void freeze() {
            frozen = true;
        }

        public void applyInterest() {
            balance += balance / 100;
        }
    }

    public static final class Ledger {
        private long total = 10;

        public long total() {
            return total;
        }

        public void rebuildTotals() {
            total = 10;
        }
    }

    private final Diagnostics.LeakDetection leakDetection = Diagnostics.leakDetection();

    protected final Logger log = LoggerFactory.getLogger("examples");
    protected final String id = "acc-1";
    protected final Job job = new Job("j-1");
    protected final Shared<Integer> counter = Shared.of("counter", 0);
    protected final Shared<Long> from = Shared.of("from", 100L);
    protected final Shared<Long> to = Shared.of("to", 0L);
    protected final Shared<Integer> a = Shared.of("a", 1);
    protected final Shared<Integer> b = Shared.of("b", 2);
    protected final Shared<Integer> c = Shared.of("c", 3);
    protected final Shared<Account> checking = Shared.of("checking", new Account("checking"));
    protected final Shared<Account> savings = Shared.of("savings", new Account("savings"));
    protected final List<Shared<Account>> accounts = List.of(checking, savings);
    protected final Shared<Ledger> ledger = Shared.of("ledger", new Ledger());
    protected final SharedRw<Config> settings = SharedRw.of("settings", Config.load());
    protected final Owned<Order> order = Owned.of(new Order("o-1"));
    protected final Owned<List<Integer>> batch = Owned.of(List.of(1, 2, 3));
    protected final Channel<Owned.Moved<Order>> channel = Channel.buffered(1);
    protected long total;

    protected void render(Map<String, Price> prices) {}

    @Override
    public void close() {
        Diagnostics.setLeakDetection(leakDetection);
    }
}
