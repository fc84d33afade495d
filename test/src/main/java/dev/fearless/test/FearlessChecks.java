package dev.fearless.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Checks that any Jupiter test leaves no concurrency debris, without exploration and without
 * {@code --add-opens}. Around each test it:
 * <ul>
 *   <li>turns the lock-order checker to {@code THROW} with a fresh graph (orderings seen by
 *       earlier tests are forgotten) and restores the previous mode afterwards; a lock-order
 *       violation that the test swallowed still fails it;</li>
 *   <li>fails the test if a platform thread it started is still alive at its end (after up to
 *       {@link #threadGrace()} ms for it to end), or a Fearless scope it opened was never
 *       closed, or a task of such a scope is still running;</li>
 *   <li>tracks every guard and moved value, and fails the test for those reported leaked by the
 *       time it ends (the JVM collects once; a leak found later is reported to the test running
 *       then);</li>
 *   <li>fails the test if a handle was poisoned, unless {@link #allowPoison()}.</li>
 * </ul>
 *
 * <pre>{@code
 * @FearlessChecks
 * class TransferTest {
 *     @Test
 *     void transfer() {
 *         // ...
 *     }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@ExtendWith(FearlessChecksExtension.class)
public @interface FearlessChecks {

    /**
     * Whether a poisoned handle is allowed (for tests that poison one on purpose).
     *
     * @return {@code true} to allow poisoned handles
     */
    boolean allowPoison() default false;

    /**
     * How long, in milliseconds, a thread started by the test may take to end after the test.
     *
     * @return the grace period in milliseconds
     */
    long threadGrace() default 1000;
}
