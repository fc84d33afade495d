/**
 * Message passing: buffered, rendezvous and unbounded channels with close, error and select.
 */
@NullMarked
package dev.fearless.channel;

import org.jspecify.annotations.NullMarked;
