package dev.fearless.docs;

import dev.fearless.scope.Scope;
import dev.fearless.scope.Task;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names the Javadoc examples of {@code dev.fearless.scope} take for granted (a user service,
 * quotes, a logger, ...), so {@link JavadocExamplesTest} can compile each example as the body
 * of a method of a class extending this one. Everything returns at once with a plain value, so an
 * example that compiles can also run; {@link #close()} ends the scope the fragments fork into.
 */
@SuppressWarnings({"unused", "SameReturnValue"})
public abstract class ScopeExamples implements AutoCloseable {

    // ------------------------------------------------------------------ domain types

    public record User(String id) {}

    public record Order(String id) {}

    public record Page(User user, List<Order> orders) {
        public boolean mentions(String term) {
            return user.id().contains(term);
        }
    }

    public record Quote(int cents) {}

    public record Price(int cents) {
        public static Price unavailable() {
            return new Price(-1);
        }
    }

    public record Health(boolean up) {}

    public record Profile(String id) {}

    public record Report(String text) {}

    public record Config(String text) {}

    public record Image(int size) {}

    public record Thumbnail(int size) {}

    public record Item(String sku) {}

    public record Socket(String address) {}

    public record Result(String text) {
        public static Result confirmed() {
            return new Result("confirmed");
        }

        public static Result declined(Exception why) {
            return new Result("declined: " + why.getMessage());
        }
    }

    public static final class PaymentDeclinedException extends Exception {
        private static final long serialVersionUID = 1L;

        public PaymentDeclinedException(String message) {
            super(message);
        }
    }

    public static final class Users {
        public User find(String id) {
            return new User(id);
        }
    }

    public static final class OrderDb {
        public List<Order> ordersOf(String id) {
            return List.of(new Order(id + "-1"));
        }
    }

    public static final class Supplier {
        public Quote quote() {
            return new Quote(100);
        }

        public Quote quote(Item item) {
            return new Quote(101);
        }
    }

    public static final class Service {
        public Health health() {
            return new Health(true);
        }
    }

    public static final class Backend {
        public Quote quote() {
            return new Quote(99);
        }

        public String lookup(String key) {
            return key + "=1";
        }
    }

    public static final class Shop {
        public Price price(Item item) {
            return new Price(5);
        }
    }

    public static final class Shard {
        public Result search(String query) {
            return new Result(query);
        }
    }

    public static final class Request {
        public Instant deadline() {
            return Instant.now().plus(Duration.ofSeconds(5));
        }
    }

    public record Response(String body) {}

    public static final class Http {
        public Response send(Request request, String handler) throws java.io.IOException {
            return new Response("<html/>");
        }
    }

    public static final class Counter {
        public void record(int value) {}

        public void report() {}

        public void renew() {}

        public void evictExpired() {}
    }

    public static final class Inventory {
        public String reserve(Order order) {
            return "reserved " + order.id();
        }
    }

    public static final class Payments {
        public String charge(Order order) throws PaymentDeclinedException {
            return "charged " + order.id();
        }
    }

    public static final class Pricing {
        public Price quote(Item item) {
            return new Price(7);
        }
    }

    public static final class Profiles {
        public Profile load(String id) {
            return new Profile(id);
        }
    }

    public static final class Statement {
        public void cancel() {}

        public String executeQuery() {
            return "rows";
        }
    }

    // ------------------------------------------------------------------ values

    protected final String id = "u-7";
    protected final String key = "k";
    protected final String term = "u";
    protected final String query = "q";
    protected final String table = "orders";
    protected final String address = "127.0.0.1:1";
    protected final Object root = "https://example.org/";
    protected final Item item = new Item("sku-1");
    protected final Order order = new Order("o-1");
    protected final Users users = new Users();
    protected final OrderDb orderDb = new OrderDb();
    protected final List<Supplier> suppliers = List.of(new Supplier(), new Supplier());
    protected final List<Service> services = List.of(new Service());
    protected final List<String> urls = List.of("https://example.org/a");
    protected final List<Image> images = List.of(new Image(1024), new Image(2048));
    protected final List<Shard> shards = List.of(new Shard());
    protected final List<Object> requests = List.of();
    protected final Backend primary = new Backend();
    protected final Backend backup = new Backend();
    protected final Backend replica = new Backend();
    protected final Shop shopA = new Shop();
    protected final Shop shopB = new Shop();
    protected final Counter progress = new Counter();
    protected final Counter metrics = new Counter();
    protected final Counter lease = new Counter();
    protected final Counter cache = new Counter();
    protected final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    protected final Inventory inventory = new Inventory();
    protected final Payments payments = new Payments();
    protected final Pricing pricing = new Pricing();
    protected final Profiles profiles = new Profiles();
    protected final Statement statement = new Statement();
    protected final Request request = new Request();
    protected final CompletableFuture<String> future = new CompletableFuture<>();
    protected final Logger log = LoggerFactory.getLogger("examples");
    protected final Http http = new Http();
    /** For fragments that pass "a thread factory". */
    protected final java.util.concurrent.ThreadFactory factory = Thread.ofVirtual().name("example-", 0).factory();
    /** For fragments that fork into "a scope": owned by the thread that runs the example. */
    protected final Scope<Object, @Nullable Void> scope = Scope.open();
    /** For fragments about "a task". */
    protected final Task<Object> task = scope.fork(() -> "done");

    /** Ends the fragments' scope: its tasks are cancelled (a timer forked by a fragment, say). */
    @Override
    public void close() {
        scope.cancel();
        scope.close();
    }

    // ------------------------------------------------------------------ operations

    protected Quote quoteA() {
        return new Quote(1);
    }

    protected Quote quoteB() {
        return new Quote(2);
    }

    protected Integer compute(int n) {
        return n * n;
    }

    protected Report build() {
        return new Report("built");
    }

    protected Report migrate(String table) {
        return new Report("migrated " + table);
    }

    protected Object serve(List<Object> requests) {
        return requests.size();
    }

    protected Page fetch(String url) {
        return new Page(new User(url), List.of());
    }

    protected void report(Task.State state, @Nullable Health health) {}

    protected Thumbnail resize(Image image, int size) {
        return new Thumbnail(size);
    }

    protected Image resize(Image image) {
        return new Image(image.size() / 2);
    }

    protected Object crawl(Object root, Scope<?, ?> scope) {
        return root;
    }

    protected Object work() {
        return "work";
    }

    protected Config loadConfig() {
        return new Config("config");
    }

    protected Object warmCaches(Config config) {
        return config.text();
    }

    protected Socket connect(String address) {
        return new Socket(address);
    }

    protected String read(Socket socket) {
        return "read from " + socket.address();
    }

    protected void closeQuietly(Socket socket) {}

    protected Request get(URI uri) {
        return new Request();
    }

    protected String ofString() {
        return "string";
    }
}
