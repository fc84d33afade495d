package dev.fearless.test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/** Picks the next thread of one schedule. Implementations are the strategies. */
interface Chooser {

    /** A controlled thread was created (before it starts). */
    default void threadCreated(Controlled thread) {}

    /** Called before every step, whether or not it is a decision. */
    default void beforeStep(@Nullable Controlled last, int step) {}

    /**
     * Picks one of {@code ready} (two or more, in creation order).
     *
     * @param last the thread that ran the previous step, if any
     * @param decision the number of this decision in the schedule, from 0
     * @return the chosen thread, or null when a strict replay no longer matches
     */
    @Nullable Controlled choose(List<Controlled> ready, @Nullable Controlled last, int decision);

    /** The choice that is no preemption: the last thread if it can go on, else the oldest ready thread. */
    static Controlled keepGoing(List<Controlled> ready, @Nullable Controlled last) {
        return last != null && ready.contains(last) ? last : ready.get(0);
    }

    /** Uniformly random among the ready threads. */
    final class Random implements Chooser {
        private final SplittableRandom random;

        Random(long seed) {
            this.random = new SplittableRandom(seed);
        }

        @Override
        public Controlled choose(List<Controlled> ready, @Nullable Controlled last, int decision) {
            return ready.get(random.nextInt(ready.size()));
        }
    }

    /**
     * PCT: distinct random priorities, highest ready runs; at each of {@code depth - 1} random
     * change points among the expected steps, the running thread drops below every other.
     */
    final class Pct implements Chooser {
        private final SplittableRandom random;
        private final int[] changePoints;
        private int lowered;

        Pct(long seed, int depth, int expectedSteps) {
            this.random = new SplittableRandom(seed);
            this.changePoints = new int[depth - 1];
            for (int i = 0; i < changePoints.length; i++) {
                changePoints[i] = 1 + random.nextInt(Math.max(1, expectedSteps));
            }
        }

        @Override
        public void threadCreated(Controlled thread) {
            // Distinct priorities above every changed one: random position among the threads.
            thread.priority = Integer.MAX_VALUE / 2 + random.nextInt(1 << 24);
        }

        @Override
        public void beforeStep(@Nullable Controlled last, int step) {
            if (last == null) {
                return;
            }
            for (int changePoint : changePoints) {
                if (changePoint == step) {
                    // Later change points give lower priorities, as in the paper (d-1 .. 1).
                    last.priority = changePoints.length - lowered++;
                }
            }
        }

        @Override
        public Controlled choose(List<Controlled> ready, @Nullable Controlled last, int decision) {
            Controlled best = ready.get(0);
            for (Controlled candidate : ready) {
                if (candidate.priority > best.priority) {
                    best = candidate;
                }
            }
            return best;
        }
    }

    /**
     * Replays a recorded list of choices. Strict: a recorded thread that is not ready ends the
     * replay (divergence). Lenient (for shrinking): a choice of -1, a missing one or one not
     * ready falls back to {@link #keepGoing}.
     */
    final class Replay implements Chooser {
        private final List<Integer> choices;
        private final boolean strict;

        Replay(List<Integer> choices, boolean strict) {
            this.choices = choices;
            this.strict = strict;
        }

        @Override
        public @Nullable Controlled choose(List<Controlled> ready, @Nullable Controlled last, int decision) {
            if (decision < choices.size()) {
                int wanted = choices.get(decision);
                for (Controlled candidate : ready) {
                    if (candidate.index == wanted) {
                        return candidate;
                    }
                }
                if (strict) {
                    return null;
                }
            }
            return keepGoing(ready, last);
        }
    }

    /**
     * Depth-first search over schedules with a preemption bound. One instance serves the whole
     * exploration: each schedule replays the stack's choices, then extends it without preempting;
     * {@link #advance()} moves to the next untried alternative.
     */
    final class Exhaustive implements Chooser {
        private static final class Frame {
            final List<Integer> options = new ArrayList<>();
            final List<Boolean> preempts = new ArrayList<>();
            int chosen;
            int preemptionsBefore;
        }

        private final int bound;
        private final List<Frame> stack = new ArrayList<>();
        private int preemptions;

        Exhaustive(int bound) {
            this.bound = bound;
        }

        /** Called before each schedule. */
        void begin() {
            preemptions = 0;
        }

        @Override
        public @Nullable Controlled choose(List<Controlled> ready, @Nullable Controlled last, int decision) {
            Frame frame;
            if (decision < stack.size()) {
                frame = stack.get(decision);
            } else {
                frame = new Frame();
                Controlled first = keepGoing(ready, last);
                boolean lastReady = last != null && ready.contains(last);
                frame.options.add(first.index);
                frame.preempts.add(false);
                for (Controlled candidate : ready) {
                    if (candidate != first) {
                        frame.options.add(candidate.index);
                        frame.preempts.add(lastReady);
                    }
                }
                frame.preemptionsBefore = preemptions;
                stack.add(frame);
            }
            if (frame.preempts.get(frame.chosen)) {
                preemptions++;
            }
            int wanted = frame.options.get(frame.chosen);
            for (Controlled candidate : ready) {
                if (candidate.index == wanted) {
                    return candidate;
                }
            }
            return null; // the scenario is not deterministic
        }

        /** Moves to the next schedule; false when every schedule within the bound has run. */
        boolean advance() {
            while (!stack.isEmpty()) {
                Frame top = stack.get(stack.size() - 1);
                for (int next = top.chosen + 1; next < top.options.size(); next++) {
                    if (!top.preempts.get(next) || top.preemptionsBefore < bound) {
                        top.chosen = next;
                        return true;
                    }
                }
                stack.remove(stack.size() - 1);
            }
            return false;
        }
    }
}
