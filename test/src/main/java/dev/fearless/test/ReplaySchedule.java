package dev.fearless.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a Jupiter test method under one recorded schedule, as printed by a failure report: the
 * failure comes back the same way every time, ready for a debugger or for checking the fix.
 *
 * <pre>{@code
 * @Test
 * @ReplaySchedule("r1:0x3.1.0.2")
 * void lostUpdate() throws Exception {
 *     // ... the test that failed, unchanged
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@ExtendWith(ExplorerExtension.class)
public @interface ReplaySchedule {

    /**
     * The recorded schedule.
     *
     * @return the recorded schedule
     */
    String value();
}
