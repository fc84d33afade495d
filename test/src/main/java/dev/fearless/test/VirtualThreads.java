package dev.fearless.test;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/** Access to the JDK's package-private virtual-thread builder that takes a scheduler. */
final class VirtualThreads {

    /** The flag the test JVM needs, as a user types it. */
    static final String FLAG = "--add-opens java.base/java.lang=ALL-UNNAMED";

    static final String MISSING_FLAG = "The schedule explorer of fearless-test runs virtual threads on its own scheduler"
            + " and needs java.lang opened to it. Add " + FLAG + " to the test JVM (on the module path: "
            + "--add-opens java.base/java.lang=dev.fearless.test). With Maven Surefire:\n"
            + "  <plugin><artifactId>maven-surefire-plugin</artifactId>\n"
            + "    <configuration><argLine>@{argLine} " + FLAG + "</argLine></configuration></plugin>\n"
            + "(drop @{argLine} if nothing else, such as JaCoCo, sets it). Only the test JVM needs it;"
            + " FearlessChecks works without it.";

    private static final @Nullable Constructor<?> CONSTRUCTOR;
    private static final @Nullable Throwable PROBLEM;

    static {
        Constructor<?> constructor = null;
        Throwable problem = null;
        try {
            Class<?> builder = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            constructor = builder.getDeclaredConstructor(Executor.class);
            constructor.setAccessible(true);
        } catch (RuntimeException | ReflectiveOperationException | LinkageError e) {
            problem = e;
            constructor = null;
        }
        CONSTRUCTOR = constructor;
        PROBLEM = problem;
    }

    private VirtualThreads() {}

    /** Fails at once, naming the flag, when the builder is out of reach. */
    static void check() {
        if (CONSTRUCTOR == null) {
            throw new IllegalStateException(MISSING_FLAG, PROBLEM);
        }
    }

    /** A virtual-thread builder whose threads run their continuations on {@code scheduler}. */
    static Thread.Builder.OfVirtual builder(Executor scheduler) {
        check();
        try {
            return (Thread.Builder.OfVirtual) java.util.Objects.requireNonNull(CONSTRUCTOR).newInstance(scheduler);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("this JDK refused a virtual thread with a custom scheduler", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(MISSING_FLAG, e);
        }
    }
}
