package dev.fearless.telemetry;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

@Isolated("registers global telemetry listeners")
class TelemetryTest {

    private final List<Telemetry.Registration> registrations = new ArrayList<>();

    @AfterEach
    void closeRegistrations() {
        registrations.forEach(Telemetry.Registration::close);
    }

    private Telemetry.Registration register(TelemetryListener listener) {
        Telemetry.Registration registration = Telemetry.register(listener);
        registrations.add(registration);
        return registration;
    }

    @Test
    void noListenerMeansNullSoEventSitesSkipWork() {
        assertNull(Telemetry.listener());
    }

    @Test
    void eventsReachEveryListenerInRegistrationOrderUntilClosed() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Telemetry.Registration first = register(new Recording("first", seen));
        register(new Recording("second", seen));

        Telemetry.listener().taskFinished("checkout", Outcome.FAILURE, 42);
        assertEquals(List.of("first:checkout:failure:42", "second:checkout:failure:42"), seen);

        first.close();
        first.close(); // idempotent
        seen.clear();
        Telemetry.listener().taskFinished("checkout", Outcome.SUCCESS, 7);
        assertEquals(List.of("second:checkout:success:7"), seen);
    }

    @Test
    void lastCloseLeavesNoListener() {
        register(new TelemetryListener() {}).close();
        assertNull(Telemetry.listener());
    }

    @Test
    void aThrowingListenerNeitherReachesTheComponentNorStarvesTheOthers() {
        List<String> seen = new CopyOnWriteArrayList<>();
        register(new TelemetryListener() {
            @Override
            public void taskFinished(String scope, Outcome outcome, long durationNanos) {
                throw new IllegalStateException("broken listener");
            }
        });
        register(new Recording("healthy", seen));

        TelemetryListener listener = Telemetry.listener();
        assertNotNull(listener);
        assertDoesNotThrow(() -> listener.taskFinished("s", Outcome.SUCCESS, 1));
        assertDoesNotThrow(() -> listener.taskFinished("s", Outcome.SUCCESS, 2));
        assertEquals(List.of("healthy:s:success:1", "healthy:s:success:2"), seen);
    }

    @Test
    void dispatcherForwardsEveryEventOfTheInterface() {
        for (Method method : TelemetryListener.class.getDeclaredMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            assertDoesNotThrow(() -> Dispatcher.class.getDeclaredMethod(method.getName(), method.getParameterTypes()),
                    "Dispatcher must override " + method);
        }
    }

    @Test
    void registerRejectsNull() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Telemetry.register(null));
        assertEquals("listener", e.getMessage());
    }

    @Test
    void outcomeTagsAreLowercase() {
        assertEquals("cancelled", Outcome.CANCELLED.tag());
        assertEquals("timeout", Outcome.TIMEOUT.tag());
    }

    private record Recording(String id, List<String> seen) implements TelemetryListener {
        @Override
        public void taskFinished(String scope, Outcome outcome, long durationNanos) {
            seen.add(id + ":" + scope + ":" + outcome.tag() + ":" + durationNanos);
        }
    }
}
