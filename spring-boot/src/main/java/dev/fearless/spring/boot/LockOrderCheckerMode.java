package dev.fearless.spring.boot;

import dev.fearless.lock.LockOrderChecker;
import org.springframework.beans.factory.DisposableBean;

/**
 * The lock-order checker mode an application set from {@code fearless.locks.checker}; the mode
 * is global to the JVM, so closing the application puts back the mode it found.
 *
 * <pre>{@code
 * LockOrderCheckerMode setting = LockOrderCheckerMode.set(LockOrderChecker.Mode.WARN);
 * setting.destroy();   // the previous mode again
 * }</pre>
 */
public final class LockOrderCheckerMode implements DisposableBean {

    private final LockOrderChecker.Mode mode;
    private final LockOrderChecker.Mode previous;

    private LockOrderCheckerMode(LockOrderChecker.Mode mode, LockOrderChecker.Mode previous) {
        this.mode = mode;
        this.previous = previous;
    }

    /**
     * Sets the checker's mode, remembering the one it had.
     *
     * @param mode the mode to set
     * @return the setting, to undo with {@link #destroy()}
     * @throws NullPointerException if {@code mode} is null
     */
    public static LockOrderCheckerMode set(LockOrderChecker.Mode mode) {
        LockOrderChecker.Mode previous = LockOrderChecker.mode();
        LockOrderChecker.setMode(mode);
        return new LockOrderCheckerMode(mode, previous);
    }

    /**
     * Returns the mode this setting set.
     *
     * @return the mode
     */
    public LockOrderChecker.Mode mode() {
        return mode;
    }

    /** Puts back the mode the checker had before {@link #set}. */
    @Override
    public void destroy() {
        LockOrderChecker.setMode(previous);
    }

    @Override
    public String toString() {
        return "LockOrderCheckerMode[" + mode + ", was " + previous + "]";
    }
}
