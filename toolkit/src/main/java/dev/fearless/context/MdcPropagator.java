package dev.fearless.context;

import java.util.Map;
import org.slf4j.MDC;

/** Copies the MDC map; a thread with an empty MDC captures nothing. */
enum MdcPropagator implements ContextPropagator {
    INSTANCE;

    @Override
    public ContextSnapshot capture() {
        Map<String, String> captured = MDC.getCopyOfContextMap();
        if (captured == null || captured.isEmpty()) {
            return ContextSnapshot.EMPTY;
        }
        return body -> {
            Map<String, String> previous = MDC.getCopyOfContextMap();
            MDC.setContextMap(captured);
            try {
                body.run();
            } finally {
                if (previous == null) {
                    MDC.clear();
                } else {
                    MDC.setContextMap(previous);
                }
            }
        };
    }

    @Override
    public String toString() {
        return "ContextPropagator.mdc()";
    }
}
