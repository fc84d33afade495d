package dev.fearless.context.micrometer.docs;

import io.micrometer.context.ThreadLocalAccessor;
import io.micrometer.tracing.Tracer;

/**
 * The names the Javadoc examples of {@code dev.fearless.context.micrometer} take for granted: a
 * tracer (Micrometer's no-op one: the examples show the wiring, the module's tests check the
 * spans), users to load, and a thread-local accessor.
 */
@SuppressWarnings("unused")
public abstract class MicrometerExamples {

    public record User(String id) {}

    public static final class Users {
        public User load(String id) {
            return new User(id);
        }
    }

    /** A user's thread-local value, as a {@link ThreadLocalAccessor} for the context registry. */
    public static final class MyAccessor implements ThreadLocalAccessor<String> {
        private static final ThreadLocal<String> VALUE = new ThreadLocal<>();

        public static String current() {
            return VALUE.get();
        }

        @Override
        public Object key() {
            return "my-accessor";
        }

        @Override
        public String getValue() {
            return VALUE.get();
        }

        @Override
        public void setValue(String value) {
            VALUE.set(value);
        }

        @Override
        public void setValue() {
            VALUE.remove();
        }
    }

    protected final Tracer tracer = Tracer.NOOP;
    protected final Users users = new Users();
    protected final String id = "u-7";
}
