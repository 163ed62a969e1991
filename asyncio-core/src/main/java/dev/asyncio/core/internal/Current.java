package dev.asyncio.core.internal;

import org.jspecify.annotations.Nullable;

/**
 * The task and scope the calling thread is in.
 *
 * <p>A task's thread finds its task without a thread-local: the task is its thread's {@linkplain
 * Thread#getUncaughtExceptionHandler() uncaught-exception handler}, the one field of a {@link Thread} that can hold a
 * library's object. A thread-local would cost every task a {@code ThreadLocalMap} (136 bytes and a weak reference
 * for the garbage collector to process), which was a sixth of a trivial task's memory. The task keeps its innermost
 * scope and whether it is still current, so entering and leaving allocate nothing. Consequence: code that replaces
 * the handler of a task's own thread detaches the thread from its task (the runtime then sees a plain thread).
 *
 * <p>Any other thread, and a task's thread after its task has ended, keeps its innermost {@link RuntimeScope} in a
 * thread-local, or nothing outside every scope.
 */
public final class Current {
    private static final ThreadLocal<@Nullable RuntimeScope> SCOPE = new ThreadLocal<>();

    private Current() {}

    /** {@return the task the calling thread belongs to, current or not, or null on a plain thread} */
    private static @Nullable RuntimeTask<?> owner() {
        return Thread.currentThread().getUncaughtExceptionHandler() instanceof RuntimeTask<?> task ? task : null;
    }

    /** {@return the task running on the calling thread, or null} */
    public static @Nullable RuntimeTask<?> task() {
        RuntimeTask<?> task = owner();
        return task != null && task.current ? task : null;
    }

    /** {@return the innermost scope of the calling thread, or null} */
    public static @Nullable RuntimeScope scope() {
        RuntimeTask<?> task = owner();
        if (task != null && task.current) {
            return task.innerScope;
        }
        return SCOPE.get();
    }

    /** Makes {@code task}, in its own scope, current on its new thread. */
    static void enter(RuntimeTask<?> task) {
        task.innerScope = task.scope;
        task.current = true;
        Thread.currentThread().setUncaughtExceptionHandler(task);
    }

    /** Ends the current task's turn on its thread; what runs after sees no current task or scope. */
    static void leave(RuntimeTask<?> task) {
        task.current = false;
    }

    /** Makes {@code scope} current and returns the scope it replaces. */
    static @Nullable RuntimeScope swapScope(@Nullable RuntimeScope scope) {
        RuntimeTask<?> task = owner();
        if (task != null && task.current) {
            RuntimeScope previous = task.innerScope;
            task.innerScope = scope;
            return previous;
        }
        RuntimeScope previous = SCOPE.get();
        if (scope == null) {
            SCOPE.remove(); // leaving the last scope keeps nothing
        } else {
            SCOPE.set(scope);
        }
        return previous;
    }

    /**
     * Runs {@code action} with no current task or scope and no interrupt set, then restores all three. An interrupt
     * that arrives meanwhile is dropped (the action's callbacks may set one, and it is not the caller's), unless the
     * calling task has been cancelled meanwhile: then it is its cancellation's, and kept.
     */
    static void outside(Runnable action) {
        RuntimeTask<?> task = owner();
        RuntimeTask<?> current = task != null && task.current ? task : null;
        RuntimeScope scope = current != null ? null : SCOPE.get();
        boolean interrupted = Thread.interrupted();
        if (current != null) {
            current.current = false;
        } else if (scope != null) {
            SCOPE.remove();
        }
        try {
            action.run();
        } finally {
            if (current != null) {
                current.current = true;
            } else if (scope != null) {
                SCOPE.set(scope);
            }
            boolean arrived = Thread.interrupted();
            if (interrupted || (arrived && current != null && current.isCancelRequested())) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
