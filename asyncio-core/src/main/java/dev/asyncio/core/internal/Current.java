package dev.asyncio.core.internal;

import org.jspecify.annotations.Nullable;

/** The task and scope the calling thread is in. Each task has its own virtual thread, so thread-locals are task-locals. */
public final class Current {
    private static final ThreadLocal<@Nullable RuntimeTask<?>> TASK = new ThreadLocal<>();
    private static final ThreadLocal<@Nullable RuntimeScope> SCOPE = new ThreadLocal<>();

    private Current() {}

    /** {@return the task running on the calling thread, or null} */
    public static @Nullable RuntimeTask<?> task() {
        return TASK.get();
    }

    /** {@return the innermost scope of the calling thread, or null} */
    public static @Nullable RuntimeScope scope() {
        return SCOPE.get();
    }

    static void enter(RuntimeTask<?> task, RuntimeScope scope) {
        TASK.set(task);
        SCOPE.set(scope);
    }

    static void leave() {
        TASK.remove();
        SCOPE.remove();
    }

    /** Makes {@code scope} current and returns the scope it replaces. */
    static @Nullable RuntimeScope swapScope(@Nullable RuntimeScope scope) {
        RuntimeScope previous = SCOPE.get();
        if (scope == null) {
            SCOPE.remove();
        } else {
            SCOPE.set(scope);
        }
        return previous;
    }

    /** Runs {@code action} with no current task or scope and no interrupt set, then restores all three. */
    static void outside(Runnable action) {
        RuntimeTask<?> task = TASK.get();
        RuntimeScope scope = SCOPE.get();
        boolean interrupted = Thread.interrupted();
        TASK.remove();
        SCOPE.remove();
        try {
            action.run();
        } finally {
            if (task != null) {
                TASK.set(task);
            }
            if (scope != null) {
                SCOPE.set(scope);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
