package dev.fearless.lock;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The tracked locks the current thread holds, oldest first, each with the place it was taken
 * (when the checker records hold sites). Maintained only while the lock-order checker is on;
 * confined to its thread, so it needs no synchronization.
 *
 * <p>Entries can go stale: a lock released while the checker was off is still listed. Every
 * walk therefore drops entries whose lock the thread no longer holds ({@link #purgeStale()}), which
 * keeps the list right whatever the checker's mode was when each lock was taken or released.
 */
final class ThreadHolds {

    private static final ThreadLocal<ThreadHolds> CURRENT = ThreadLocal.withInitial(ThreadHolds::new);

    RankedLock[] locks = new RankedLock[4];
    @Nullable Throwable[] sites = new Throwable[4];
    int size;

    static ThreadHolds current() {
        return CURRENT.get();
    }

    void push(RankedLock lock, @Nullable Throwable site) {
        if (size == locks.length) {
            locks = Arrays.copyOf(locks, size * 2);
            sites = Arrays.copyOf(sites, size * 2);
        }
        locks[size] = lock;
        sites[size] = site;
        size++;
    }

    /** Removes the newest entry for {@code lock}, if any. */
    void remove(RankedLock lock) {
        for (int i = size - 1; i >= 0; i--) {
            if (locks[i] == lock) {
                removeAt(i);
                return;
            }
        }
    }

    void removeAt(int index) {
        int tail = size - index - 1;
        System.arraycopy(locks, index + 1, locks, index, tail);
        System.arraycopy(sites, index + 1, sites, index, tail);
        size--;
        locks[size] = null;
        sites[size] = null;
    }

    void purgeStale() {
        for (int i = 0; i < size; ) {
            if (locks[i].isHeldByCurrentThread()) {
                i++;
            } else {
                removeAt(i);
            }
        }
    }

    boolean contains(RankedLock lock) {
        for (int i = 0; i < size; i++) {
            if (locks[i] == lock) {
                return true;
            }
        }
        return false;
    }

    /** Whether some view of the same lock (same ranking) is held: one node, no ordering between them. */
    boolean holdsRanking(Ranking ranking) {
        for (int i = 0; i < size; i++) {
            if (locks[i].ranking == ranking) {
                return true;
            }
        }
        return false;
    }
}
