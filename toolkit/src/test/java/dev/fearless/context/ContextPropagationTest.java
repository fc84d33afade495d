package dev.fearless.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;

@Timeout(10)
class ContextPropagationTest {

    private static final ScopedValue<String> USER = ScopedValue.newInstance();
    private static final ScopedValue<Integer> TENANT = ScopedValue.newInstance();

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @Test
    void scopedValuesBoundOnTheForkingThreadAreReboundInTheTask() throws Exception {
        ContextPropagation propagation = ContextPropagation.none()
                .with(ContextPropagator.scopedValues(USER, TENANT));
        AtomicReference<String> seenUser = new AtomicReference<>();
        AtomicReference<Boolean> tenantBound = new AtomicReference<>();

        ContextSnapshot snapshot = ScopedValue.where(USER, "ada").call(propagation::capture);
        Thread thread = Thread.ofVirtual().start(() -> snapshot.runWith(() -> {
            seenUser.set(USER.get());
            tenantBound.set(TENANT.isBound());
        }));
        thread.join();

        assertEquals("ada", seenUser.get());
        assertFalse(tenantBound.get(), "a key unbound on the forking thread stays unbound");
    }

    @Test
    void nothingBoundCapturesTheEmptySnapshot() {
        ContextPropagation propagation = ContextPropagation.none().with(ContextPropagator.scopedValues(USER));
        assertSame(ContextSnapshot.EMPTY, propagation.capture());
        assertSame(ContextSnapshot.EMPTY, ContextPropagation.defaults().capture(), "empty MDC, nothing else");
    }

    @Test
    void mdcIsCopiedIntoTheTaskAndTheTaskThreadsOwnMdcIsRestored() throws Exception {
        MDC.put("request", "r-1");
        ContextSnapshot snapshot = ContextPropagation.defaults().capture();
        MDC.clear();

        AtomicReference<String> inside = new AtomicReference<>();
        AtomicReference<Map<String, String>> after = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            MDC.put("own", "x");
            snapshot.runWith(() -> inside.set(MDC.get("request") + "/" + MDC.get("own")));
            after.set(MDC.getCopyOfContextMap());
        });
        thread.join();

        assertEquals("r-1/null", inside.get(), "the task sees the forker's MDC, not its thread's own");
        assertEquals(Map.of("own", "x"), after.get(), "the thread's MDC is restored after the task");
    }

    @Test
    void propagatorsNestOutermostFirstAndRestoreOnFailure() {
        MDC.put("k", "v");
        ContextPropagation propagation = ContextPropagation.defaults().with(ContextPropagator.scopedValues(USER));
        ContextSnapshot snapshot = ScopedValue.where(USER, "grace").call(propagation::capture);
        MDC.clear();

        AtomicReference<String> inside = new AtomicReference<>();
        assertThrows(IllegalStateException.class, () -> snapshot.runWith(() -> {
            inside.set(USER.get() + ":" + MDC.get("k"));
            throw new IllegalStateException("task failed");
        }));
        assertEquals("grace:v", inside.get());
        assertNull(MDC.get("k"), "MDC restored after a throwing task");
        assertFalse(USER.isBound(), "binding ends with the task");
    }

    @Test
    void aBrokenServiceLoaderProviderIsSkippedNotFatal() {
        ContextPropagator good = () -> ContextSnapshot.EMPTY;
        Iterator<ContextPropagator> providers = new Iterator<>() {
            private int calls;

            @Override
            public boolean hasNext() {
                return calls < 3;
            }

            @Override
            public ContextPropagator next() {
                calls++;
                if (calls == 1) {
                    throw new ServiceConfigurationError("no public no-arg constructor");
                }
                if (calls == 2) {
                    throw new NoClassDefFoundError("a dependency of the provider is missing");
                }
                return good;
            }
        };
        assertEquals(List.of(ContextPropagator.mdc(), good), ContextPropagation.withProviders(providers),
                "the broken providers are skipped, the rest are kept");
    }

    @Test
    void nullKeysAreRejectedWithTheirIndex() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> ContextPropagator.scopedValues(USER, null));
        assertEquals("keys[1]", e.getMessage());
    }
}
