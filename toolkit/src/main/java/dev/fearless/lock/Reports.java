package dev.fearless.lock;

import dev.fearless.internal.Threads;
import dev.fearless.lock.LockNode.Step;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Builds the human-readable reports: potential deadlocks, hold-and-wait, real deadlocks. */
final class Reports {

    /** Beyond this many threads the interleaving is listed rather than drawn as a table. */
    private static final int MAX_TABLE_COLUMNS = 4;

    private Reports() {}

    /**
     * A lock-order cycle. {@code steps.get(0)} is the acquisition that closed it (from
     * {@code cycle.get(0)} to {@code cycle.get(1)}); the others follow the cycle back to its start.
     */
    static String potentialDeadlock(List<String> cycle, List<String> classes, List<Step> steps) {
        Step closing = steps.getFirst();
        StringBuilder out = new StringBuilder();
        out.append("Potential deadlock: taking ").append(closing.to()).append(" while holding ").append(closing.from())
                .append(" closes a lock-order cycle\n");
        out.append("  cycle: ").append(String.join(" -> ", cycle)).append(" -> ").append(cycle.getFirst()).append('\n');
        out.append("  No thread is blocked yet, but threads that take these locks in these orders at the same time"
                + " deadlock.\n");
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            out.append("\n[").append(i + 1).append('/').append(steps.size()).append("] ").append(step.to())
                    .append(" taken while holding ").append(step.from())
                    .append(i == 0 ? " (this acquisition)" : " (recorded earlier)").append('\n');
            out.append("    by ").append(step.thread()).append('\n');
            out.append("    ").append(step.to()).append(" taken at:\n");
            Stacks.append(out, step.acquiredAt(), "        ");
            out.append("    ").append(step.from()).append(" taken at:\n");
            StackTraceElement[] heldSince = step.heldSince();
            if (heldSince == null) {
                out.append("        (not recorded: LockOrderChecker.setRecordHoldSites(true) records it in WARN mode)\n");
            } else {
                Stacks.append(out, heldSince, "        ");
            }
        }
        out.append('\n');
        interleaving(out, cycle, steps);
        if (cycle.size() > 1 && !classes.isEmpty()) {
            out.append("    (").append(String.join(", ", classes))
                    .append(classes.size() == 1 ? " is a lock class: it stands" : " are lock classes: each stands")
                    .append(" for any of its locks, and the threads deadlock when they meet on the same one)\n");
        }
        out.append("\nFix: take these locks in one order everywhere, or together in one Locks.lockAll(...) call.");
        return out.toString();
    }

    /**
     * Thread i holds the i-th lock of the cycle and waits for the next; for a cycle of one lock
     * class (two instances of one role nested), a second thread nests them the other way round.
     */
    private static void interleaving(StringBuilder out, List<String> cycle, List<Step> steps) {
        List<String[]> threads = new ArrayList<>(); // {first lock, second lock}
        if (cycle.size() == 1) {
            Step step = steps.getFirst();
            threads.add(new String[] {step.from(), step.to()});
            threads.add(new String[] {step.to(), step.from()});
        } else {
            for (int i = 0; i < cycle.size(); i++) {
                threads.add(new String[] {cycle.get(i), cycle.get((i + 1) % cycle.size())});
            }
        }
        int k = threads.size();
        if (k > MAX_TABLE_COLUMNS) {
            out.append("Possible interleaving: each thread takes its first lock, then waits for the next thread's:\n");
            for (int i = 0; i < k; i++) {
                out.append("    Thread ").append(i + 1).append(": lock(").append(threads.get(i)[0]).append(")  then lock(")
                        .append(threads.get(i)[1]).append(")\n");
            }
            out.append("\n    *** DEADLOCK ***\n");
            return;
        }
        int width = 12;
        for (String[] locks : threads) {
            width = Math.max(width, Math.max(locks[0].length(), locks[1].length()) + "lock()".length() + 3);
        }
        out.append("Possible interleaving:\n\n");
        String[] header = new String[k];
        String[] rule = new String[k];
        for (int i = 0; i < k; i++) {
            header[i] = "Thread " + (i + 1);
            rule[i] = "-".repeat(header[i].length());
        }
        row(out, width, header);
        row(out, width, rule);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < k; i++) {
                String[] cells = new String[k];
                cells[i] = "lock(" + threads.get(i)[round] + ")";
                row(out, width, cells);
            }
        }
        out.append("\n    *** DEADLOCK ***\n");
    }

    private static void row(StringBuilder out, int width, String[] cells) {
        StringBuilder line = new StringBuilder("    ");
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i] == null ? "" : cells[i];
            line.append(cell);
            if (i < cells.length - 1) {
                line.append(" ".repeat(Math.max(1, width - cell.length())));
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    static String holdAndWait(String thread, List<String> held, List<StackTraceElement @Nullable []> heldSites,
                              List<String> requested, StackTraceElement[] askedAt) {
        StringBuilder out = new StringBuilder();
        out.append("Hold and wait: ").append(thread).append(" asks for a set of locks while holding others\n");
        out.append("  holding:    ").append(String.join(", ", held)).append('\n');
        out.append("  asking for: ").append(String.join(", ", requested)).append('\n');
        out.append("  Locks.lockAll takes its set without deadlock, but a lock held outside the set can still deadlock"
                + " with it.\n");
        out.append("\n  asked at:\n");
        Stacks.append(out, askedAt, "      ");
        for (int i = 0; i < held.size(); i++) {
            out.append("  ").append(held.get(i)).append(" taken at:\n");
            StackTraceElement[] site = heldSites.get(i);
            if (site == null) {
                out.append("      (not recorded: LockOrderChecker.setRecordHoldSites(true) records it in WARN mode)\n");
            } else {
                Stacks.append(out, site, "      ");
            }
        }
        out.append("\nFix: take every lock this code needs in one Locks.lockAll(...) call, or release the held ones first.");
        return out.toString();
    }

    /** A real deadlock: threads.get(i) waits for locks.get(i), held by threads.get(i + 1). */
    static String deadlock(List<Thread> threads, List<RankedLock> locks) {
        StringBuilder out = new StringBuilder();
        int n = threads.size();
        out.append("Deadlock: ").append(n).append(" threads wait for each other's locks and none can proceed\n");
        for (int i = 0; i < n; i++) {
            Thread thread = threads.get(i);
            out.append("\n").append(Threads.describe(thread)).append(" waits for ").append(locks.get(i).ranking.label())
                    .append(", held by ").append(Threads.describe(threads.get((i + 1) % n))).append('\n');
            Stacks.append(out, Stacks.trim(thread.getStackTrace()), "    ");
        }
        out.append("\nThreadMXBean does not report deadlocks of virtual threads; this report comes from the locks' own"
                + " wait-for information.\nFix: take these locks in one order everywhere, or together in one"
                + " Locks.lockAll(...) call; a thread waiting interruptibly can be interrupted to break the cycle.");
        return out.toString();
    }
}
