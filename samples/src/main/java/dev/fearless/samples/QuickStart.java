package dev.fearless.samples;

import dev.fearless.scope.Policy;
import dev.fearless.scope.Scope;
import dev.fearless.scope.ScopeFailedException;
import dev.fearless.scope.Task;
import dev.fearless.telemetry.Outcome;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The quick start: a structured scope fans out to two simulated services, a race between two
 * replicas, a deadline that yields a partial result, and a failure that cancels its sibling.
 * Run it with {@code mvn -q -pl samples -am compile exec:exec} from the repository root.
 */
public final class QuickStart {

    private static final Logger log = LoggerFactory.getLogger(QuickStart.class);

    record User(String id, String name) {}

    record Order(String id, int cents) {}

    record Page(User user, List<Order> orders) {}

    private QuickStart() {}

    /**
     * Runs the four examples and prints what each returned.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted while waiting for a scope
     */
    public static void main(String[] args) throws InterruptedException {
        Map<Outcome, Integer> tasks = new EnumMap<>(Outcome.class);
        TelemetryListener counter = new TelemetryListener() {
            @Override
            public void taskFinished(String scope, Outcome outcome, long durationNanos) {
                synchronized (tasks) {
                    tasks.merge(outcome, 1, Integer::sum);
                }
            }
        };
        try (var _ = Telemetry.register(counter)) {
            MDC.put("request", "req-42");            // copied into every forked task

            System.out.println("1. fan-out, all must succeed: " + loadPage("u-7"));
            System.out.println("2. race, first success wins:  " + fastestQuote());
            System.out.println("3. deadline, partial result:  " + dashboard());
            System.out.println("4. failure cancels sibling:   " + checkout());
        }
        System.out.println("   tasks by outcome (telemetry): " + tasks);
    }

    /** Two services called concurrently; the page needs both. */
    static Page loadPage(String userId) throws InterruptedException {
        try (var scope = Scope.builder().name("page").open()) {
            Task<User> user = scope.fork(() -> call("users", Duration.ofMillis(40), new User(userId, "Ada")));
            Task<List<Order>> orders = scope.fork(() -> call("orders", Duration.ofMillis(60),
                    List.of(new Order("o-1", 1_250), new Order("o-2", 990))));
            scope.join();                            // the first failure would cancel the other call
            return new Page(user.get(), orders.get());
        }
    }

    /** Two replicas of one service; the slower one is interrupted as soon as the faster answers. */
    static String fastestQuote() throws InterruptedException {
        return Scope.race(
                () -> call("quotes-eu", Duration.ofMillis(300), "EUR 10.40 from eu"),
                () -> call("quotes-us", Duration.ofMillis(50), "EUR 10.45 from us"));
    }

    /** Three widgets with a one-second budget: whatever answered in time, the rest is cut off. */
    static String dashboard() throws InterruptedException {
        try (var scope = Scope.builder().name("dashboard").policy(Policy.<String>awaitAll())
                .timeout(Duration.ofSeconds(1)).open()) {
            scope.fork(() -> call("weather", Duration.ofMillis(20), "weather: sunny"));
            scope.fork(() -> call("news", Duration.ofMillis(100), "news: 3 headlines"));
            scope.fork(() -> call("stocks", Duration.ofSeconds(10), "stocks: up"));
            List<Task<String>> widgets = scope.join(); // awaitAll returns the partial result on timeout
            return widgets.stream()
                    .map(t -> t.state() == Task.State.SUCCEEDED ? t.get() : "(" + t.state().name().toLowerCase() + ")")
                    .toList()
                    .toString();
        }
    }

    /** Payment fails, so the concurrent stock reservation is cancelled and join reports the cause. */
    static String checkout() throws InterruptedException {
        try (var scope = Scope.builder().name("checkout").open()) {
            Task<String> reservation = scope.fork(() -> call("stock", Duration.ofSeconds(5), "reserved"));
            scope.fork(() -> {
                call("payments", Duration.ofMillis(20), null);
                throw new IllegalStateException("card declined");
            });
            scope.join();
            return "paid";
        } catch (ScopeFailedException e) {
            return "failed with \"" + e.getCause().getMessage() + "\"; the stock reservation was cancelled";
        }
    }

    /** A simulated remote call: logs with the propagated MDC, waits, returns. Interruptible. */
    private static <T> T call(String service, Duration latency, T answer) throws InterruptedException {
        log.info("calling {}", service);
        try {
            Thread.sleep(latency);
        } catch (InterruptedException e) {
            log.info("{} cancelled", service);
            throw e;
        }
        return answer;
    }
}
