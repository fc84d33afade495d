package dev.fearless.handle;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.fearless.telemetry.Telemetry;
import dev.fearless.testing.RecordingListener;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Behaviour 6: forgotten guards and moved values never received are reported, with the site
 * where they were created, once the garbage collector finds them unreachable.
 */
@Timeout(60)
class LeakDetectionTest {

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger log = (Logger) LoggerFactory.getLogger(Diagnostics.class);
    private final RecordingListener listener = new RecordingListener();
    private Telemetry.Registration registration;

    @BeforeEach
    void capture() {
        logged.start();
        log.addAppender(logged);
        registration = listener.register();
        Diagnostics.setLeakDetection(Diagnostics.LeakDetection.ALL);
    }

    @AfterEach
    void restore() {
        registration.close();
        log.detachAppender(logged);
        Diagnostics.setLeakDetection(Diagnostics.LeakDetection.SAMPLED);
    }

    private void awaitReport(String event) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return listener.events.contains(event);
        });
    }

    private String warnings() {
        StringBuilder out = new StringBuilder();
        for (ILoggingEvent event : logged.list) {
            if (event.getLevel() == Level.WARN) {
                out.append(event.getFormattedMessage()).append('\n');
                if (event.getThrowableProxy() != null) {
                    out.append(event.getThrowableProxy().getMessage()).append('\n');
                    for (var frame : event.getThrowableProxy().getStackTraceElementProxyArray()) {
                        out.append(frame.getSTEAsString()).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    @Test
    void aGuardNeverClosedIsReportedWithWhereItWasTaken() {
        forgetAGuard(Shared.of("forgotten", 1));
        awaitReport("leaked forgotten guard");
        String warnings = warnings();
        assertTrue(warnings.contains("a guard of Shared 'forgotten' was never closed"), warnings);
        assertTrue(warnings.contains("forgetAGuard"), warnings); // the stack where it was taken
    }

    private static void forgetAGuard(Shared<Integer> shared) {
        shared.lock().get(); // taken and dropped without close()
    }

    @Test
    void aMovedValueNeverReceivedIsReportedWithWhereItWasMoved() {
        moveAndDrop();
        awaitReport("leaked parcel move");
        String warnings = warnings();
        assertTrue(warnings.contains("a value moved out of Owned 'parcel' was never received"), warnings);
        assertTrue(warnings.contains("moveAndDrop"), warnings);
    }

    private static void moveAndDrop() {
        Owned.of("parcel", "contents").move();
    }

    @Test
    void closedGuardsAndReceivedValuesAreNeverReported() {
        Shared<Integer> shared = Shared.of("tidy", 0);
        Confined<Integer> confined = Confined.of("tidy", 0);
        SharedRw<Integer> rw = SharedRw.of("tidy", 0);
        for (int i = 0; i < 100; i++) {
            shared.lock().close();
            confined.borrowMut().close();
            rw.read().close();
            Owned.of("tidy", i).move().receive();
        }
        moveAndDrop(); // a leak reported after the tidy objects became garbage
        awaitReport("leaked parcel move");
        assertFalse(listener.events.stream().anyMatch(e -> e.startsWith("leaked tidy")), listener.events::toString);
    }

    @Test
    void offTracksNothing() {
        Diagnostics.setLeakDetection(Diagnostics.LeakDetection.OFF);
        forgetAGuard(Shared.of("untracked", 1));
        Owned.of("untracked", 1).move();
        Diagnostics.setLeakDetection(Diagnostics.LeakDetection.ALL);
        moveAndDrop();
        awaitReport("leaked parcel move");
        assertFalse(listener.events.stream().anyMatch(e -> e.startsWith("leaked untracked")), listener.events::toString);
    }
}
