package dev.fearless.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every corpus bug is found and replays the same way; every fixed twin passes every schedule. */
@Timeout(60)
class CorpusTest {

    static List<Corpus.Bug> bugs() {
        return Corpus.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bugs")
    void theBugIsFoundAndItsScheduleReplays(Corpus.Bug bug) throws Exception {
        ExplorationFailure failure = Explorer.search(ExploreOptions.defaults().seed(17).schedules(1000), bug.buggy())
                .failure().orElseThrow(() -> new AssertionError("not found within 1000 schedules: " + bug));
        assertEquals(bug.kind(), failure.kind(), failure.getMessage());
        ExplorationFailure sameSeed = Explorer.search(ExploreOptions.defaults().seed(17).schedules(1000), bug.buggy())
                .failure().orElseThrow();
        assertEquals(failure.schedule(), sameSeed.schedule(), "the same seed finds it at the same schedule");
        assertEquals(failure.trace(), sameSeed.trace());
        for (int i = 0; i < 10; i++) {
            ExplorationFailure again = Explorer.search(ExploreOptions.replaying(failure.replay()), bug.buggy())
                    .failure().orElseThrow(() -> new AssertionError("the replay passed: " + bug));
            assertEquals(failure.kind(), again.kind(), again.getMessage());
            assertEquals(failure.trace(), again.trace());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bugs")
    void theFixedTwinPassesEverySchedule(Corpus.Bug bug) throws Exception {
        Exploration random = Explorer.explore(ExploreOptions.defaults().seed(5).schedules(300), bug.fixed());
        assertEquals(300, random.schedules());
        Exploration pct = Explorer.explore(ExploreOptions.defaults().seed(5).schedules(300).strategy(Strategy.PCT),
                bug.fixed());
        assertEquals(300, pct.schedules());
        Exploration all = Explorer.explore(ExploreOptions.defaults().schedules(5000).strategy(Strategy.EXHAUSTIVE)
                .preemptionBound(2), bug.fixed());
        assertTrue(all.schedules() > 1, "exhaustive search ran " + all.schedules() + " schedules");
    }
}
