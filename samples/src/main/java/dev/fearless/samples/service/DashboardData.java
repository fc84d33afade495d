package dev.fearless.samples.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The numbers the built-in dashboard plots, read from the same registry that {@code /metrics}
 * exposes: cumulative counts and sums (the page turns them into rates), current gauges, and the
 * cumulative lock-order violations and deadlocks. The structure panel reads {@code /debug/structure}.
 */
final class DashboardData {

    private final MeterRegistry registry;

    DashboardData(MeterRegistry registry) {
        this.registry = registry;
    }

    Map<String, Object> snapshot() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("time", System.currentTimeMillis());

        Map<String, Long> tasks = new TreeMap<>();
        for (Timer timer : registry.find("fearless.task.duration").timers()) {
            tasks.merge(tag(timer, "outcome"), timer.count(), Long::sum);
        }
        data.put("tasks", tasks);

        Map<String, Object> scopes = new TreeMap<>();
        for (Timer timer : registry.find("fearless.scope.duration").timers()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> byName = (Map<String, Object>) scopes.computeIfAbsent(tag(timer, "name"),
                    _ -> new LinkedHashMap<String, Object>(Map.of("count", 0L, "seconds", 0.0)));
            byName.merge("count", timer.count(), (a, b) -> (Long) a + (Long) b);
            byName.merge("seconds", timer.totalTime(TimeUnit.SECONDS), (a, b) -> (Double) a + (Double) b);
        }
        data.put("scopes", scopes);

        long acquisitions = 0;
        double waitSeconds = 0;
        for (Timer timer : registry.find("fearless.lock.wait").timers()) {
            acquisitions += timer.count();
            waitSeconds += timer.totalTime(TimeUnit.SECONDS);
        }
        double contended = 0;
        for (Counter counter : registry.find("fearless.lock.contended").counters()) {
            contended += counter.count();
        }
        data.put("locks", Map.of("acquisitions", acquisitions, "waitSeconds", waitSeconds, "contended", contended));
        data.put("lockOrder", Map.of("violations", counterSum("fearless.lock.order.violations"),
                "deadlocks", counterSum("fearless.lock.deadlocks")));

        Map<String, Double> channels = new TreeMap<>();
        for (Gauge gauge : registry.find("fearless.channel.size").gauges()) {
            channels.merge(tag(gauge, "name"), gauge.value(), Double::sum);
        }
        data.put("channels", channels);

        Map<String, Object> executors = new TreeMap<>();
        for (Gauge gauge : registry.find("fearless.executor.active").gauges()) {
            String name = tag(gauge, "name");
            Map<String, Object> executor = new LinkedHashMap<>();
            executor.put("active", gauge.value());
            executor.put("queued", gaugeValue("fearless.executor.queued", name));
            double limit = gaugeValue("fearless.executor.limit", name);
            executor.put("limit", Double.isInfinite(limit) || limit >= Integer.MAX_VALUE ? null : limit);
            Counter rejected = registry.find("fearless.executor.rejected").tag("name", name).counter();
            executor.put("rejected", rejected == null ? 0.0 : rejected.count());
            executors.put(name, executor);
        }
        data.put("executors", executors);
        return data;
    }

    private double counterSum(String meter) {
        double sum = 0;
        for (Counter counter : registry.find(meter).counters()) {
            sum += counter.count();
        }
        return sum;
    }

    private double gaugeValue(String meter, String name) {
        Gauge gauge = registry.find(meter).tag("name", name).gauge();
        return gauge == null ? 0 : gauge.value();
    }

    private static String tag(Meter meter, String key) {
        String value = meter.getId().getTag(key);
        return value == null ? "default" : value;
    }
}
