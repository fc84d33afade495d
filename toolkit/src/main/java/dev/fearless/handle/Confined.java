package dev.fearless.handle;

import dev.fearless.internal.Names;
import dev.fearless.internal.Threads;
import dev.fearless.telemetry.Telemetry;
import java.util.ArrayList;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A value confined to one thread, with borrows checked at run time: the counterpart of Rust's
 * {@code RefCell<T>} (which is not {@code Send}). Only the thread that created it may use it
 * ({@link WrongThreadException} otherwise). It hands out any number of shared borrows
 * ({@link #borrow()}, a {@link Guard}) or one mutable borrow ({@link #borrowMut()}, a
 * {@link WriteGuard}) at a time; a conflicting borrow throws {@link BorrowException} whose cause
 * is the stack where the outstanding borrow was taken (while
 * {@linkplain Diagnostics#recordsBorrowSites() borrow sites are recorded}: by default where
 * assertions are enabled). The {@code try} forms return empty instead of throwing.
 *
 * <pre>{@code
 * Confined<List<String>> log = Confined.of(new ArrayList<>());
 * try (WriteGuard<List<String>> entries = log.borrowMut()) {
 *     entries.get().add("started");
 *     log.borrow();                       // throws BorrowException: already mutably borrowed
 * }
 * try (Guard<List<String>> a = log.borrow(); Guard<List<String>> b = log.borrow()) {
 *     assert a.get() == b.get();          // shared borrows coexist
 *     assert log.tryBorrowMut().isEmpty();
 * }
 * }</pre>
 *
 * <p>Memory consistency effects: none; a confined value is used by one thread only.
 *
 * @param <T> the value type
 */
public final class Confined<T extends @Nullable Object> {

    /*
     * Implementation overview: every field is touched by the owner thread only (the owner check
     * comes first), so nothing is synchronized. `borrows` is the borrow state: n > 0 shared
     * borrows, -1 one mutable borrow, 0 none. `sites` holds the stacks of the outstanding borrows
     * that recorded one, newest last; guards remove their own (usually the last) on close.
     * Guards are not referenced from here, so a forgotten one can become unreachable and be
     * reported by leak detection.
     */

    private static final int MUTABLY_BORROWED = -1;

    private final Thread owner;
    private final String name;
    private final String handle;
    private T value;
    private int borrows;
    private final ArrayList<Sites.Site> sites = new ArrayList<>(2);

    private Confined(String name, T value) {
        this.owner = Thread.currentThread();
        this.name = name;
        this.handle = "Confined '" + name + "'";
        this.value = value;
    }

    /**
     * Creates an unnamed value confined to the calling thread.
     *
     * @param value the value
     * @param <T> the value type
     * @return the handle
     */
    public static <T extends @Nullable Object> Confined<T> of(T value) {
        return new Confined<>(Telemetry.DEFAULT_NAME, value);
    }

    /**
     * Creates a named value confined to the calling thread; the name appears in messages and
     * leak telemetry.
     *
     * @param name the name
     * @param value the value
     * @param <T> the value type
     * @return the handle
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static <T extends @Nullable Object> Confined<T> of(String name, T value) {
        return new Confined<>(Names.requireValid(name), value);
    }

    /**
     * Borrows the value for reading; any number of shared borrows may be open at once.
     *
     * @return an open guard
     * @throws WrongThreadException if the calling thread is not the owner
     * @throws BorrowException if the value is mutably borrowed
     */
    public Guard<T> borrow() {
        checkOwner("borrow()");
        if (borrows == MUTABLY_BORROWED) {
            throw conflict("borrow()", "it is already mutably borrowed");
        }
        return new Borrow();
    }

    /**
     * Borrows the value mutably; no other borrow may be open.
     *
     * @return an open guard
     * @throws WrongThreadException if the calling thread is not the owner
     * @throws BorrowException if the value is borrowed
     */
    public WriteGuard<T> borrowMut() {
        checkOwner("borrowMut()");
        if (borrows != 0) {
            throw conflict("borrowMut()", borrows == MUTABLY_BORROWED ? "it is already mutably borrowed"
                    : "it is already borrowed (" + borrows + " shared borrow" + (borrows == 1 ? "" : "s") + " open)");
        }
        return new BorrowMut();
    }

    /**
     * Borrows the value for reading, or returns empty if it is mutably borrowed.
     *
     * @return an open guard, or empty
     * @throws WrongThreadException if the calling thread is not the owner
     */
    public Optional<Guard<T>> tryBorrow() {
        checkOwner("tryBorrow()");
        return borrows == MUTABLY_BORROWED ? Optional.empty() : Optional.of(new Borrow());
    }

    /**
     * Borrows the value mutably, or returns empty if it is borrowed.
     *
     * @return an open guard, or empty
     * @throws WrongThreadException if the calling thread is not the owner
     */
    public Optional<WriteGuard<T>> tryBorrowMut() {
        checkOwner("tryBorrowMut()");
        return borrows != 0 ? Optional.empty() : Optional.of(new BorrowMut());
    }

    /**
     * Returns the thread the value is confined to.
     *
     * @return the owner
     */
    public Thread owner() {
        return owner;
    }

    /**
     * Describes the handle, never the value.
     *
     * @return a description for logs
     */
    @Override
    public String toString() {
        return "Confined['" + name + "', owner " + Threads.describe(owner) + "]";
    }

    private void checkOwner(String operation) {
        if (Thread.currentThread() != owner) {
            throw Sites.wrongThread(operation + " on " + handle, owner);
        }
    }

    private BorrowException conflict(String operation, String state) {
        Sites.Site outstanding = sites.isEmpty() ? null : sites.getLast();
        return new BorrowException(operation + " on " + handle + " by " + Threads.describe(owner) + " refused: "
                + state + (outstanding != null ? " (the cause shows where the outstanding borrow was taken)"
                        : " (borrow sites are not recorded; set -D" + Diagnostics.BORROW_SITES_PROPERTY
                                + "=true or call Diagnostics.setRecordBorrowSites(true) to see where)")
                + "; close that guard first, or use the try form", outstanding);
    }

    private Sites.@Nullable Site recordSite(String kind) {
        if (!Diagnostics.borrowSites) {
            return null;
        }
        Sites.Site site = Sites.capture(kind + " of " + handle + " taken");
        sites.add(site);
        return site;
    }

    private void forgetSite(Sites.@Nullable Site site) {
        if (site != null) {
            int index = sites.lastIndexOf(site);
            if (index >= 0) {
                sites.remove(index);
            }
        }
    }

    private final class Borrow extends Held<T> {
        private final Sites.@Nullable Site site;

        Borrow() {
            super(name, handle);
            borrows++;
            site = recordSite("shared borrow");
        }

        @Override
        T load() {
            return value;
        }

        @Override
        void release() {
            borrows--;
            forgetSite(site);
        }

        @Override
        String handle() {
            return handle;
        }
    }

    private final class BorrowMut extends WriteHeld<T> {
        private final Sites.@Nullable Site site;

        BorrowMut() {
            super(name, handle);
            borrows = MUTABLY_BORROWED;
            site = recordSite("mutable borrow");
        }

        @Override
        T load() {
            return value;
        }

        @Override
        void store(T next) {
            value = next;
        }

        @Override
        void release() {
            borrows = 0;
            forgetSite(site);
        }

        @Override
        String handle() {
            return handle;
        }
    }
}
