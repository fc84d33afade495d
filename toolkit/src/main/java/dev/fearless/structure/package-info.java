/**
 * A live view of a program's structure: the open scopes, their running tasks, the scopes those
 * tasks opened, and what each blocked task waits for. Enable it with {@link
 * dev.fearless.structure.Structure#enable()} (or {@code -Dfearless.structure=true}), then take
 * {@link dev.fearless.structure.Structure#snapshot()}s and read them as a tree, a thread-dump
 * style text or JSON.
 */
@NullMarked
package dev.fearless.structure;

import org.jspecify.annotations.NullMarked;
