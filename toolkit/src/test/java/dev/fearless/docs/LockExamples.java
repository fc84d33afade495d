package dev.fearless.docs;

import dev.fearless.lock.LockOrderChecker;
import dev.fearless.lock.OrderedLock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names the Javadoc examples of {@code dev.fearless.lock} take for granted: accounts with an
 * {@link OrderedLock} each, locks {@code a}, {@code b}, {@code c}, a catalog and its stock.
 * {@link #close()} restores the checker's mode and hold-and-wait setting an example may change,
 * and forgets the orderings the example recorded.
 */
@SuppressWarnings({"unused", "SameReturnValue"})
public abstract class LockExamples implements AutoCloseable {

    public enum Result { DONE, BUSY }

    public record Item(String sku) {}

    public static final class Account {
        public final OrderedLock lock;
        public long balance = 100;

        public Account(String id) {
            lock = new OrderedLock("account-" + id, "Account");
        }
    }

    public static final class Stock {
        public final OrderedLock lock = new OrderedLock("stock");
        private final List<String> skus = new java.util.ArrayList<>();

        public void add(String sku) {
            skus.add(sku);
        }
    }

    private final LockOrderChecker.Mode mode = LockOrderChecker.mode();
    private final boolean holdAndWait = LockOrderChecker.checksHoldAndWait();

    protected final Logger log = LoggerFactory.getLogger("examples");
    protected final String id = "8812";
    protected final long amount = 10;
    protected final Account from = new Account("from");
    protected final Account to = new Account("to");
    protected final OrderedLock a = new OrderedLock("a");
    protected final OrderedLock b = new OrderedLock("b");
    protected final OrderedLock c = new OrderedLock("c");
    protected final OrderedLock lock = new OrderedLock("lock");
    protected final List<OrderedLock> accountLocks = List.of(from.lock, to.lock);
    protected final Map<String, Item> catalog = new HashMap<>(Map.of("sku-1", new Item("sku-1")));
    protected final Stock stock = new Stock();
    protected final String sku = "sku-1";
    protected final Item item = new Item("sku-1");
    protected final Map<String, String> map = new HashMap<>();
    protected final String key = "k";
    protected final String value = "v";
    protected final dev.fearless.lock.OrderedReadWriteLock rw = new dev.fearless.lock.OrderedReadWriteLock("map");

    protected void runTheService() {}

    protected void fail(String message) {
        throw new AssertionError(message);
    }

    @Override
    public void close() {
        LockOrderChecker.setMode(mode);
        LockOrderChecker.setCheckHoldAndWait(holdAndWait);
        LockOrderChecker.reset();
    }
}
