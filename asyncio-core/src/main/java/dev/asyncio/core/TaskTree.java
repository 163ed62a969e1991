package dev.asyncio.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a loop's live structure, for humans and dashboards: the root scope, its open child scopes, and in
 * each the tasks that have not ended, with their ids, names, states, priorities, ages and creators; on request, the
 * current stack of each task's virtual thread.
 *
 * <p>The snapshot is taken without stopping the loop, so tasks that start or end while it is taken may or may not
 * appear; each task and scope that appears is described consistently. {@link #render()} prints it as an indented
 * tree. Instances are immutable.
 *
 * @param loop the loop's name
 * @param takenAt when the snapshot was taken
 * @param stats the loop's counters at that moment
 * @param root the root scope
 */
public record TaskTree(String loop, Instant takenAt, LoopStats stats, ScopeNode root) {

    /** Validates the components. */
    public TaskTree {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(takenAt, "takenAt");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(root, "root");
    }

    /**
     * A scope in the tree.
     *
     * @param id the scope's id
     * @param cancelled whether it (or an enclosing scope) was cancelled
     * @param deadline its own deadline, or null
     * @param age how long it has been open
     * @param tasks its live tasks, by id
     * @param children its open child scopes, by id
     */
    public record ScopeNode(
            long id,
            boolean cancelled,
            @Nullable Instant deadline,
            Duration age,
            List<TaskNode> tasks,
            List<ScopeNode> children) {

        /** Copies the lists. */
        public ScopeNode {
            Objects.requireNonNull(age, "age");
            tasks = List.copyOf(tasks);
            children = List.copyOf(children);
        }

        /** {@return the number of tasks in this scope and every scope below it} */
        public int taskCount() {
            int count = tasks.size();
            for (ScopeNode child : children) {
                count += child.taskCount();
            }
            return count;
        }
    }

    /**
     * A task in the tree.
     *
     * @param id the task's id
     * @param name its name
     * @param state its state when the snapshot was taken
     * @param priority its admission priority
     * @param age how long ago it was created; null if its loop records no task timestamps
     * @param parentId the id of the task that created it, or null
     * @param stack its thread's stack, outermost frame last; empty unless stacks were asked for (or it has no thread)
     */
    public record TaskNode(
            long id,
            String name,
            TaskState state,
            Priority priority,
            @Nullable Duration age,
            @Nullable Long parentId,
            List<StackTraceElement> stack) {

        /** Copies the stack. */
        public TaskNode {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(priority, "priority");
            stack = List.copyOf(stack);
        }
    }

    /** {@return the number of tasks in the whole tree} */
    public int taskCount() {
        return root.taskCount();
    }

    /** {@return the tree as indented text, one line per scope and task, stacks indented under their task} */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append("loop '")
                .append(loop)
                .append("': ")
                .append(stats.active())
                .append(" active, ")
                .append(stats.pending())
                .append(" pending, ")
                .append(stats.activeScopes())
                .append(" scopes\n");
        render(root, "", out);
        return out.toString();
    }

    private static void render(ScopeNode scope, String indent, StringBuilder out) {
        out.append(indent).append("scope #").append(scope.id());
        if (scope.cancelled()) {
            out.append(" cancelled");
        }
        if (scope.deadline() != null) {
            out.append(" deadline ").append(scope.deadline());
        }
        out.append(" (").append(scope.age().toMillis()).append("ms)\n");
        String inner = indent + "  ";
        for (TaskNode task : scope.tasks()) {
            out.append(inner)
                    .append("task #")
                    .append(task.id())
                    .append(" '")
                    .append(task.name())
                    .append("' ")
                    .append(task.state().value())
                    .append(' ')
                    .append(task.priority().name().toLowerCase(java.util.Locale.ROOT));
            Duration age = task.age();
            if (age != null) {
                out.append(' ').append(age.toMillis()).append("ms");
            }
            if (task.parentId() != null) {
                out.append(" parent #").append(task.parentId());
            }
            out.append('\n');
            for (StackTraceElement frame : task.stack()) {
                out.append(inner).append("    at ").append(frame).append('\n');
            }
        }
        for (ScopeNode child : scope.children()) {
            render(child, inner, out);
        }
    }
}
