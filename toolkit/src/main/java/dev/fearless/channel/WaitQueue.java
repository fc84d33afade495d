package dev.fearless.channel;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A FIFO of waiting {@link Node}s: a channel's blocked senders or blocked receivers. Not thread
 * safe: every method is called with the owning channel's lock held. Plain nodes in the queue are
 * always live (they leave it under the lock when claimed or cancelled); select nodes may be dead
 * (their select was completed through another channel) until their owner unregisters them, so
 * {@link #claimFirst} skips and drops those.
 */
final class WaitQueue {

    private @Nullable Node head;
    private @Nullable Node tail;

    boolean isEmpty() {
        return head == null;
    }

    /** Whether a node added now should spin before parking: it will be first in line. */
    boolean spinEligible() {
        return head == null;
    }

    /**
     * Drops waiters from the front whose owner is already claimed (dead select nodes) and returns
     * the first one that may still be claimed, or null. It may still die before it is claimed if
     * it belongs to a select waiting on other channels too.
     */
    @Nullable Node firstLive() {
        for (Node node = head; node != null; node = head) {
            if (node.owner.state() <= Waiter.PARKED) {
                return node;
            }
            remove(node);
        }
        return null;
    }

    int liveCount() {
        int live = 0;
        for (Node node = head; node != null; node = node.next) {
            if (node.owner.state() <= Waiter.PARKED) {
                live++;
            }
        }
        return live;
    }

    void add(Node node) {
        node.queued = true;
        node.next = null;
        node.prev = tail;
        if (tail == null) {
            head = node;
        } else {
            tail.next = node;
        }
        tail = node;
    }

    void remove(Node node) {
        if (!node.queued) {
            return;
        }
        Node prev = node.prev;
        Node next = node.next;
        if (prev == null) {
            head = next;
        } else {
            prev.next = next;
        }
        if (next == null) {
            tail = prev;
        } else {
            next.prev = prev;
        }
        node.prev = null;
        node.next = null;
        node.queued = false;
    }

    /**
     * Removes waiters from the front until one can be claimed as selected; returns it, or null if
     * none is left. For a receiver queue, {@code handOver} is written into the node's item before
     * the claim publishes it; pass null for a sender queue.
     */
    @Nullable Node claimFirst(@Nullable Object handOver) {
        for (Node node = head; node != null; node = head) {
            remove(node);
            if (handOver != null) {
                node.item = handOver;
            }
            if (node.claimSelected()) {
                return node;
            }
            if (handOver != null) {
                node.item = null;
            }
        }
        return null;
    }

    /**
     * Removes every waiter and claims each live one as closed.
     *
     * @param woken collects the claimed nodes, to wake after the lock is released
     */
    void closeAll(List<Node> woken) {
        for (Node node = head; node != null; node = head) {
            remove(node);
            if (node.claimClosed()) {
                woken.add(node);
            }
        }
    }
}
