package asys.runtime;

import java.time.Duration;

/**
 * A loop held past the stall threshold: its identity's name, what held it ({@code "task"},
 * {@code "handler"} or {@code "call"}), for how long at least when seen, the threshold, and
 * the carrier thread's stack when seen.
 */
public record Stall(String identity, String what, long heldNanos, Duration threshold, StackTraceElement[] stack) {}
