package dev.fearless.benchmarks;

/** Starts virtual threads for a measured operation and joins them inside it. */
final class Workers {

    private Workers() {}

    /** A step a worker repeats; may block. */
    @FunctionalInterface
    interface Loop {
        /**
         * Runs the worker's share of the work.
         *
         * @return a value derived from everything the worker received, so the work is not dead code
         * @throws Exception if the peer under test throws
         */
        long run() throws Exception;
    }

    /**
     * Runs each loop on its own new virtual thread, joins them all and returns the sum of their
     * results. A loop that fails fails the benchmark.
     */
    static long runAll(Loop... loops) throws InterruptedException {
        return runAll(Thread.ofVirtual(), loops);
    }

    /**
     * Runs each loop on its own new thread of {@code kind} ({@code "virtual"} or {@code "platform"}),
     * joins them all and returns the sum of their results.
     */
    static long runAll(String kind, Loop... loops) throws InterruptedException {
        return runAll(switch (kind) {
            case "virtual" -> Thread.ofVirtual();
            case "platform" -> Thread.ofPlatform();
            default -> throw new IllegalArgumentException("threads must be virtual or platform: " + kind);
        }, loops);
    }

    private static long runAll(Thread.Builder builder, Loop... loops) throws InterruptedException {
        Thread[] threads = new Thread[loops.length];
        long[] results = new long[loops.length];
        Throwable[] failures = new Throwable[loops.length];
        for (int i = 0; i < loops.length; i++) {
            int slot = i;
            Loop loop = loops[i];
            threads[i] = builder.start(() -> {
                try {
                    results[slot] = loop.run();
                } catch (Throwable t) {
                    failures[slot] = t;
                }
            });
        }
        long sum = 0;
        for (int i = 0; i < loops.length; i++) {
            threads[i].join(); // join publishes results[i] and failures[i]
            if (failures[i] != null) {
                throw new IllegalStateException("worker " + i + " failed", failures[i]);
            }
            sum += results[i];
        }
        return sum;
    }
}
