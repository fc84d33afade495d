package dev.fearless.docs;

import dev.fearless.bridge.Flows;
import dev.fearless.bridge.VirtualExecutor;
import dev.fearless.channel.Channel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The names the Javadoc examples of {@code dev.fearless.bridge} take for granted: asynchronous
 * clients whose futures are already complete, a reactive source of two rows that then completes
 * (a {@link Flows#publisher} over a done channel), an executor that {@link #close()} shuts down.
 */
@SuppressWarnings({"unused", "SameReturnValue"})
public abstract class BridgeExamples implements AutoCloseable {

    protected static final ScopedValue<String> USER = ScopedValue.newInstance();

    public record User(String id) {}

    public record Order(String id) {}

    public record Page(User user, List<Order> orders) {}

    public record Report(String id) {}

    public record Invoice(Order order) {}

    public record Item(String sku) {}

    public record Quote(int cents) {}

    public record Event(String name) {}

    public record Row(int number) {}

    public record Image(String name) {}

    public record Photo(String name) {}

    public record Request(String uri) {}

    /** An HTTP response, and a JAX-RS-like way to build one. */
    public record Response(int status, String body) {
        public static Builder status(int status) {
            return new Builder(status);
        }

        public record Builder(int status) {
            public Response build() {
                return new Response(status, "");
            }
        }
    }

    public static final class UserClient {
        public CompletableFuture<User> fetchAsync(String id) {
            return CompletableFuture.completedFuture(new User(id));
        }
    }

    public static final class Reports {
        public Report render(String id) {
            return new Report(id);
        }
    }

    public static final class Billing {
        public CompletableFuture<Invoice> invoiceAsync(Order order) {
            return CompletableFuture.completedFuture(new Invoice(order));
        }
    }

    public static final class Pricing {
        public CompletableFuture<Quote> quoteAsync(Item item) {
            return CompletableFuture.completedFuture(new Quote(42));
        }
    }

    public static final class OrderDb {
        public List<Order> ordersOf(String id) {
            return List.of(new Order(id + "-1"));
        }
    }

    public static final class HttpClient {
        public CompletableFuture<Response> sendAsync(Request request, String handler) {
            return CompletableFuture.completedFuture(new Response(200, "<html/>"));
        }
    }

    public static final class Cache {
        public void put(Image image) {}
    }

    /** A publisher of two rows that then completes. */
    private static Flow.Publisher<Row> twoRows() {
        Channel<Row> rows = Channel.buffered(2);
        rows.trySend(new Row(1));
        rows.trySend(new Row(2));
        rows.done();
        return Flows.publisher(rows);
    }

    protected final String id = "u-7";
    protected final Order order = new Order("o-1");
    protected final Item item = new Item("sku-1");
    protected final Photo photo = new Photo("cat.png");
    protected final Path path = Path.of("pom.xml");
    protected final Request request = new Request("https://example.org/");
    protected final UserClient userClient = new UserClient();
    protected final Reports reports = new Reports();
    protected final Billing billing = new Billing();
    protected final Pricing pricing = new Pricing();
    protected final OrderDb orderDb = new OrderDb();
    protected final HttpClient httpClient = new HttpClient();
    protected final Cache cache = new Cache();
    protected final Channel<Event> events = Channel.buffered(4, "events");
    protected final Channel<Row> rows = Channel.buffered(4, "rows");
    protected final Flow.Publisher<Row> reactiveQuery = twoRows();
    protected final Flow.Publisher<Row> source = twoRows();
    protected final Flow.Subscriber<Event> subscriber = new Flow.Subscriber<>() {
        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Event item) {}

        @Override
        public void onError(Throwable throwable) {}

        @Override
        public void onComplete() {}
    };
    protected final VirtualExecutor executor = VirtualExecutor.builder().name("examples").build();
    protected final Runnable job = () -> {};

    protected Image render(Photo photo) {
        return new Image(photo.name());
    }

    protected void write(Row row) {}

    protected String ofString() {
        return "string";
    }

    @Override
    public void close() {
        executor.close();
    }
}
