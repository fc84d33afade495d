/**
 * Helpers shared by every package of the toolkit: timeout conversion, name checks and thread
 * descriptions for messages. Not exported; nothing here is API.
 */
@NullMarked
package dev.fearless.internal;

import org.jspecify.annotations.NullMarked;
