package dev.asyncio.core.internal;

/** A task's or a thread's current stack as a throwable, so that loggers print it in the familiar form. */
final class TaskStacks extends Throwable {
    private static final long serialVersionUID = 1L;

    private TaskStacks(String message, StackTraceElement[] stack) {
        super(message, null, false, true);
        setStackTrace(stack);
    }

    static TaskStacks of(RuntimeTask<?> task) {
        Thread thread = task.thread();
        StackTraceElement[] stack = thread == null ? new StackTraceElement[0] : thread.getStackTrace();
        return new TaskStacks(
                "stack of task '" + task.name() + "' (" + task.state().value() + ")", stack);
    }

    static TaskStacks of(Thread thread) {
        return new TaskStacks("stack of thread '" + thread.getName() + "'", thread.getStackTrace());
    }
}
