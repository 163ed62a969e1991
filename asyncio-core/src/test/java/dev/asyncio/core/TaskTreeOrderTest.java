package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dump lists tasks and child scopes by id, whatever order they sit in internally, with plausible ages. */
class TaskTreeOrderTest {
    private static final int COUNT = 40;

    private final EventLoop loop = EventLoop.builder().name("tree-order").build();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void closeLoop() {
        release.countDown();
        loop.close();
    }

    @Test
    void tasksAndChildScopesAreListedByIdAndNoneIsOlderThanTheTest() {
        long before = System.nanoTime();
        List<Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            // every task opens a child scope of the root scope and waits inside it
            tasks.add(loop.createTask(() -> CancellationScope.run(() -> {
                release.await();
                return 0;
            })));
        }
        await().until(() -> loop.dump().root().children().size() == COUNT);

        TaskTree tree = loop.dump();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - before);
        List<Long> taskIds =
                tree.root().tasks().stream().map(TaskTree.TaskNode::id).toList();
        List<Long> scopeIds =
                tree.root().children().stream().map(TaskTree.ScopeNode::id).toList();
        assertThat(taskIds)
                .containsExactlyElementsOf(tasks.stream().map(Task::id).toList())
                .isSorted();
        assertThat(scopeIds).hasSize(COUNT).isSorted();
        assertThat(tree.root().tasks())
                .allSatisfy(task -> assertThat(task.age()).isBetween(Duration.ZERO, elapsed));
        assertThat(tree.root().children())
                .allSatisfy(scope -> assertThat(scope.age()).isBetween(Duration.ZERO, elapsed));
    }
}
