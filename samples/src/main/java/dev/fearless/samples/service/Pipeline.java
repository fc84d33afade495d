package dev.fearless.samples.service;

import dev.fearless.channel.Channel;
import dev.fearless.channel.ChannelClosedException;
import dev.fearless.channel.Select;
import dev.fearless.scope.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A word-count pipeline: ingest → two bounded channels (urgent, bulk) → workers in a scope →
 * a counts channel → one sink. Workers {@link Select} over both input channels, urgent first when
 * a fair select over both; each document is counted once.
 *
 * <pre>
 *   POST /api/ingest ─┬─ ingest.urgent (32) ─┐
 *                     └─ ingest.bulk  (128) ─┴─ workers ×2 ── pipeline.counts (64) ── sink
 * </pre>
 *
 * <p>One platform thread owns the long-lived scope "pipeline" (the sink and a coordinator); the
 * coordinator owns the nested scope "pipeline-workers". {@link #close()} closes the input channels
 * with {@code done()}: the workers drain them and end, the coordinator closes the counts channel,
 * the sink drains it and ends, and the owner's {@code join()} returns. Nothing accepted is lost.
 */
final class Pipeline implements AutoCloseable {

    /** Simulated cost of one document: with 2 workers the pipeline handles about 60 documents a second. */
    static final Duration WORK_PER_DOCUMENT = Duration.ofMillis(30);

    private static final Pattern WORDS = Pattern.compile("[^\\p{L}\\p{N}']+");

    private final Channel<String> urgent = Channel.buffered(32, "ingest.urgent");
    private final Channel<String> bulk = Channel.buffered(128, "ingest.bulk");
    private final Channel<Map<String, Integer>> counts = Channel.buffered(64, "pipeline.counts");
    private final int workers;
    private final Thread owner;

    private final AtomicLong accepted = new AtomicLong();
    private final LongAdder documents = new LongAdder();
    private final LongAdder words = new LongAdder();
    private final Map<String, LongAdder> totals = new ConcurrentHashMap<>();

    Pipeline(int workers) {
        this.workers = workers;
        this.owner = Thread.ofPlatform().name("pipeline-owner").daemon().start(this::run);
    }

    private void run() {
        try (var scope = Scope.builder().name("pipeline").open()) {
            scope.fork(this::sink);
            scope.fork(() -> {
                try (var pool = Scope.builder().name("pipeline-workers").open()) {
                    for (int i = 0; i < workers; i++) {
                        pool.fork(this::work);
                    }
                    pool.join();
                } finally {
                    counts.done();                           // the sink drains what is left, then ends
                }
                return null;
            });
            scope.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private @Nullable Void work() throws InterruptedException {
        Select.receiveAll(                                  // until both inputs are done and drained
                urgent.receiveClause(this::count),
                bulk.receiveClause(this::count));
        return null;
    }

    private @Nullable Void count(String document) {
        Map<String, Integer> counted = new HashMap<>();
        for (String word : WORDS.split(document.toLowerCase(Locale.ROOT))) {
            if (!word.isEmpty()) {
                counted.merge(word, 1, Integer::sum);
            }
        }
        try {
            Thread.sleep(WORK_PER_DOCUMENT);               // stands for real work (enrichment, lookups)
            counts.send(counted);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private void sink() {
        for (Map<String, Integer> counted : counts) {
            documents.increment();
            counted.forEach((word, n) -> {
                words.add(n);
                totals.computeIfAbsent(word, _ -> new LongAdder()).add(n);
            });
        }
    }

    /**
     * Offers a document to the urgent or bulk channel, waiting at most {@code wait} for room.
     *
     * @return false if the channel stayed full (back-pressure) or the pipeline is closed
     */
    boolean ingest(String document, boolean isUrgent, Duration wait) throws InterruptedException {
        Channel<String> channel = isUrgent ? urgent : bulk;
        if (channel.isClosedForSend()) {
            return false;
        }
        boolean sent;
        try {
            sent = channel.trySend(document, wait);
        } catch (ChannelClosedException closed) {          // closed while waiting: refused, as when full
            return false;
        }
        if (sent) {
            accepted.incrementAndGet();
        }
        return sent;
    }

    /** Counts for the stats endpoint. */
    Map<String, Object> stats() {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("accepted", accepted.get());
        stats.put("documents", documents.sum());
        stats.put("words", words.sum());
        stats.put("distinct", totals.size());
        stats.put("queued", Map.of(urgent.name(), urgent.size(), bulk.name(), bulk.size(),
                counts.name(), counts.size()));
        List<Map.Entry<String, Long>> top = new ArrayList<>();
        totals.forEach((word, n) -> top.add(Map.entry(word, n.sum())));
        top.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
        Map<String, Object> topWords = new LinkedHashMap<>();
        top.stream().limit(10).forEach(e -> topWords.put(e.getKey(), e.getValue()));
        stats.put("top", topWords);
        return stats;
    }

    long accepted() {
        return accepted.get();
    }

    long documents() {
        return documents.sum();
    }

    @Override
    public void close() {
        urgent.done();
        bulk.done();
        try {
            owner.join();                                    // every accepted document counted
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
