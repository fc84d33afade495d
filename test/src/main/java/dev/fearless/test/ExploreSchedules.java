package dev.fearless.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a Jupiter test method as an exploration scenario: the method body runs once per schedule
 * in a controlled thread, and the test fails with the report of the first failing schedule.
 * Objects the scenario shares must be created inside the method ({@code @BeforeEach} runs once,
 * not once per schedule). Needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}.
 *
 * <pre>{@code
 * @Test
 * @ExploreSchedules(schedules = 500, strategy = Strategy.PCT)
 * void transfersKeepTheTotal() throws Exception {
 *     Account a = new Account(100), b = new Account(0);
 *     Thread t = Explorer.threadFactory().newThread(() -> a.transfer(b, 10));
 *     t.start();
 *     assertEquals(100, a.balance() + b.balance());
 *     t.join();
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@ExtendWith(ExplorerExtension.class)
public @interface ExploreSchedules {

    /** The value of {@link #seed()} that means "draw a random seed and report it". */
    long RANDOM_SEED = Long.MIN_VALUE;

    /**
     * The most schedules to run.
     *
     * @return the number of schedules
     */
    int schedules() default 1000;

    /**
     * The strategy.
     *
     * @return the strategy
     */
    Strategy strategy() default Strategy.RANDOM;

    /**
     * The base seed, or {@link #RANDOM_SEED}.
     *
     * @return the seed
     */
    long seed() default RANDOM_SEED;

    /**
     * The bug depth for {@link Strategy#PCT}.
     *
     * @return the depth
     */
    int depth() default 3;

    /**
     * The preemption bound for {@link Strategy#EXHAUSTIVE}.
     *
     * @return the bound
     */
    int preemptionBound() default 2;

    /**
     * The step bound of one schedule.
     *
     * @return the step bound
     */
    int maxSteps() default 20_000;
}
