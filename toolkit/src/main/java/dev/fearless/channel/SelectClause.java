package dev.fearless.channel;

import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One alternative of a {@link Select}: receive from a channel ({@link Channel#receiveClause()}),
 * send to a channel ({@link Channel#sendClause(Object)}), take a default value when nothing
 * else is ready ({@link Select#orDefault(Supplier)}), or give up after a while
 * ({@link Select#timeout(java.time.Duration, Supplier)}). A clause is an immutable description; it
 * does nothing until passed to a select, and may be passed to many.
 *
 * <pre>{@code
 * SelectClause<String> fromA = a.receiveClause(x -> "a:" + x);
 * SelectClause<String> fromB = b.receiveClause(x -> "b:" + x);
 * String first = Select.select(fromA, fromB);
 * }</pre>
 *
 * @param <T> the type of the value the select returns when this clause is selected
 */
public abstract sealed class SelectClause<T extends @Nullable Object>
        permits SelectClause.Receive, SelectClause.Send, SelectClause.Default {

    SelectClause() {}

    /** The channel this clause operates on; null for the default clause. */
    abstract @Nullable Channel<?> channel();

    /** Phase 1: completes now if possible; returns the raw result, EMPTY or a ChannelClosed. */
    abstract Object tryNow();

    /** Phase 2: see {@link Channel#registerReceive(Node)}. */
    abstract int register(Node node);

    /** The item a clause node carries: the element to send, or null for a receive. */
    abstract @Nullable Object offered();

    /** Maps the raw result (the received element; ignored for sends) to the select's value. */
    abstract T result(@Nullable Object raw);

    boolean isSend() {
        return false;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + "Clause"
                + (channel() == null ? "" : "(" + channel().name() + ")");
    }

    /** Receives from a channel. */
    static final class Receive<E, T extends @Nullable Object> extends SelectClause<T> {
        private final Channel<E> channel;
        private final @Nullable Function<? super E, ? extends T> onReceive;

        Receive(Channel<E> channel, @Nullable Function<? super E, ? extends T> onReceive) {
            this.channel = channel;
            this.onReceive = onReceive;
        }

        @Override
        Channel<E> channel() {
            return channel;
        }

        @Override
        Object tryNow() {
            return channel.selectTryReceive();
        }

        @Override
        int register(Node node) {
            return channel.registerReceive(node);
        }

        @Override
        @Nullable Object offered() {
            return null;
        }

        @Override
        @SuppressWarnings("unchecked")
        T result(@Nullable Object raw) {
            return onReceive == null ? (T) raw : onReceive.apply((E) raw);
        }
    }

    /** Sends to a channel. */
    static final class Send<E, T extends @Nullable Object> extends SelectClause<T> {
        private final Channel<E> channel;
        private final E element;
        private final @Nullable Supplier<? extends T> onSent;

        Send(Channel<E> channel, E element, @Nullable Supplier<? extends T> onSent) {
            this.channel = channel;
            this.element = element;
            this.onSent = onSent;
        }

        @Override
        Channel<E> channel() {
            return channel;
        }

        @Override
        Object tryNow() {
            return channel.selectTrySend(element);
        }

        @Override
        int register(Node node) {
            return channel.registerSend(node);
        }

        @Override
        Object offered() {
            return element;
        }

        @Override
        @SuppressWarnings("unchecked")
        T result(@Nullable Object raw) {
            return onSent == null ? (T) element : onSent.get();
        }

        @Override
        boolean isSend() {
            return true;
        }
    }

    /** Completes when no channel clause can: at once (a default), or after a timeout. */
    static final class Default<T extends @Nullable Object> extends SelectClause<T> {
        private final Supplier<? extends T> value;
        /** How long the select waits before this clause completes; negative for a default clause. */
        final long timeoutNanos;

        Default(Supplier<? extends T> value, long timeoutNanos) {
            this.value = value;
            this.timeoutNanos = timeoutNanos;
        }

        @Override
        public String toString() {
            return timeoutNanos < 0 ? "defaultClause"
                    : "timeoutClause(" + java.time.Duration.ofNanos(timeoutNanos) + ")";
        }

        @Override
        @Nullable Channel<?> channel() {
            return null;
        }

        @Override
        Object tryNow() {
            throw new UnsupportedOperationException();
        }

        @Override
        int register(Node node) {
            throw new UnsupportedOperationException();
        }

        @Override
        @Nullable Object offered() {
            return null;
        }

        @Override
        T result(@Nullable Object raw) {
            return value.get();
        }
    }
}
