package dev.fearless.handle;

import java.util.concurrent.locks.ReentrantLock;

/**
 * An ad-hoc, single-threaded measurement (not a test, not JMH; noisy on a loaded machine):
 * {@code Shared.mutate} on an int box against a {@code ReentrantLock} with try/finally around the
 * same work, a guard, and the cost of recording Confined borrow sites. Run it with
 * <pre>
 * mvn -q -pl toolkit test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp toolkit/target/classes:toolkit/target/test-classes:$(cat toolkit/target/cp.txt) \
 *     dev.fearless.handle.SharedOverheadHarness
 * </pre>
 * Two runs on the shared 2-core machine (load average 8-10, JDK 25), rounds after the first:
 * ReentrantLock 24-41 ns, Shared.mutate (then named update) 25-44 ns, ratio 0.76-1.43 per round, median about 1.1;
 * a guard 43-91 ns (it allocates, and samples leak tracking); Confined.borrowMut 27-111 ns,
 * 2.5-4.8 us with its site recorded.
 */
final class SharedOverheadHarness {

    private static final int OPERATIONS = 20_000_000;
    private static final int ROUNDS = 7;
    private static int sink;

    private SharedOverheadHarness() {}

    public static void main(String[] args) {
        Shared<int[]> shared = Shared.of(new int[1]);
        ReentrantLock lock = new ReentrantLock();
        int[] box = new int[1];
        Confined<int[]> confined = Confined.of(new int[1]);
        for (int round = 0; round < ROUNDS; round++) {
            long plain = time(() -> {
                for (int i = 0; i < OPERATIONS; i++) {
                    lock.lock();
                    try {
                        box[0]++;
                    } finally {
                        lock.unlock();
                    }
                }
            });
            long closure = time(() -> {
                for (int i = 0; i < OPERATIONS; i++) {
                    shared.mutate(b -> b[0]++);
                }
            });
            long guard = time(() -> {
                for (int i = 0; i < OPERATIONS; i++) {
                    try (WriteGuard<int[]> g = shared.lock()) {
                        g.get()[0]++;
                    }
                }
            });
            Diagnostics.setRecordBorrowSites(false);
            long borrow = time(() -> {
                for (int i = 0; i < OPERATIONS / 10; i++) {
                    try (WriteGuard<int[]> g = confined.borrowMut()) {
                        g.get()[0]++;
                    }
                }
            }) * 10;
            Diagnostics.setRecordBorrowSites(true);
            long borrowWithSite = time(() -> {
                for (int i = 0; i < OPERATIONS / 10; i++) {
                    try (WriteGuard<int[]> g = confined.borrowMut()) {
                        g.get()[0]++;
                    }
                }
            }) * 10;
            System.out.printf("round %d: ReentrantLock %.1f ns, Shared.mutate %.1f ns (ratio %.2f), guard %.1f ns (ratio %.2f),"
                            + " Confined.borrowMut %.1f ns, with site %.1f ns%n",
                    round, ns(plain), ns(closure), (double) closure / plain, ns(guard), (double) guard / plain,
                    ns(borrow), ns(borrowWithSite));
        }
        sink += box[0] + shared.read(b -> b[0]);
        System.out.println(sink == 0 ? "" : "done");
    }

    private static long time(Runnable loop) {
        long start = System.nanoTime();
        loop.run();
        return System.nanoTime() - start;
    }

    private static double ns(long total) {
        return (double) total / OPERATIONS;
    }
}
