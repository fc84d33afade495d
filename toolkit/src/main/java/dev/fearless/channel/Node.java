package dev.fearless.channel;

import org.jspecify.annotations.Nullable;

/**
 * One waiting clause in one channel's queue: a plain blocked send or receive (its own waiter), or
 * one clause of a select (owned by the select's waiter). Queue links are guarded by the lock of
 * the channel whose queue holds the node.
 */
final class Node extends Waiter {
    /** The waiter to claim: this node for a plain operation, the select otherwise. */
    final Waiter owner;
    /** The clause index within the owner; 0 for a plain operation. */
    final int clause;
    /** Send: the element offered. Receive: the element handed over, written before the claim. */
    @Nullable Object item;
    @Nullable Node prev;
    @Nullable Node next;
    boolean queued;
    /** Whether the owner should spin before parking: the node was first in its queue. */
    boolean spin;
    /** Send clause: an element the overflow policy dropped when this clause completed, or null. */
    @Nullable Object dropped;
    /** Previous state returned by the last successful claim, for {@link #wakeOwner()}. */
    int claimedFrom;

    /** A plain operation by the current thread. */
    Node(@Nullable Object item) {
        super(Thread.currentThread());
        this.owner = this;
        this.clause = 0;
        this.item = item;
    }

    /** Clause {@code clause} of a select. */
    Node(Waiter owner, int clause, @Nullable Object item) {
        super(owner.thread);
        this.owner = owner;
        this.clause = clause;
        this.item = item;
    }

    boolean isPlain() {
        return owner == this;
    }

    /** Claims the owner for this clause; on success remembers whether to unpark. */
    boolean claimSelected() {
        int previous = owner.claim(SELECTED + clause);
        if (previous == CLAIM_FAILED) {
            return false;
        }
        claimedFrom = previous;
        return true;
    }

    /** Claims the owner because the channel closed; on success remembers whether to unpark. */
    boolean claimClosed() {
        int previous = owner.claim(CLOSED);
        if (previous == CLAIM_FAILED) {
            return false;
        }
        claimedFrom = previous;
        return true;
    }

    /** Unparks the owner after a successful claim; call without holding any channel lock. */
    void wakeOwner() {
        owner.wake(claimedFrom);
    }
}
