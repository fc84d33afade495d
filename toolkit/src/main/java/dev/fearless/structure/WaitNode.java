package dev.fearless.structure;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one blocked thread waits for, as seen when the snapshot was taken.
 *
 * <pre>{@code
 * task.waitsFor().ifPresent(wait -> System.out.println(wait.kind() + " " + wait.target()
 *         + wait.holder().map(h -> " held by " + h).orElse("")));
 * }</pre>
 *
 * @param kind what kind of thing is waited for
 * @param target its description: a lock's label ({@code name#rank}), a channel's name, the
 *     awaited task or scope
 * @param holder the thread that holds the lock or runs the awaited task, when known
 * @param detail more about the target as the snapshot found it: a channel's fill
 *     ({@code "16/16 buffered"}, {@code "rendezvous"}, {@code "3 buffered, unbounded"})
 * @param waited how long the thread has waited, when known (lock waits do not record it)
 * @param inDeadlock whether the deadlock watchdog found this thread in a deadlock cycle
 */
public record WaitNode(WaitKind kind, String target, Optional<String> holder, Optional<String> detail,
        Optional<Duration> waited,
        boolean inDeadlock) {

    /**
     * Checks the components.
     *
     * @param kind what kind of thing is waited for
     * @param target its description
     * @param holder the holder's description, or empty
     * @param detail the detail, or empty
     * @param waited how long it has waited, or empty
     * @param inDeadlock whether it is in a deadlock cycle
     * @throws NullPointerException if an argument is null
     */
    public WaitNode {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(waited, "waited");
    }
}
