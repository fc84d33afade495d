/**
 * Message passing: rendezvous, buffered and unbounded {@link dev.fearless.channel.Channel}s,
 * closed with {@code done()} or {@code error(cause)}, and {@link dev.fearless.channel.Select}
 * over several of them. Every element a send accepted is received exactly once or handed back by
 * {@code error}.
 */
@NullMarked
package dev.fearless.channel;

import org.jspecify.annotations.NullMarked;
