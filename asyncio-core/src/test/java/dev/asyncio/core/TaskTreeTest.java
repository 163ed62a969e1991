package dev.asyncio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.asyncio.Asyncio;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dump: nested scopes, their live tasks, creators, and stacks on request. */
class TaskTreeTest {
    private final EventLoop loop = EventLoop.builder().name("tree-test").build();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void theDumpShowsNestedScopesWithTheirTasksAndCreators() throws Exception {
        CountDownLatch ready = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<CancellationScope> innerScope = new AtomicReference<>();
        Task<Integer> outer = loop.createTask(
                "outer",
                () -> CancellationScope.withTimeout(Duration.ofMinutes(5), () -> {
                    innerScope.set(CancellationScope.current());
                    Task<Integer> child = Asyncio.createTask("child", () -> {
                        ready.countDown();
                        release.await();
                        return 1;
                    });
                    return Asyncio.await(child);
                }));
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();

        TaskTree tree = loop.dump();

        assertThat(tree.loop()).isEqualTo("tree-test");
        assertThat(tree.taskCount()).isEqualTo(2);
        TaskTree.ScopeNode root = tree.root();
        assertThat(root.id()).isEqualTo(loop.rootScope().id());
        assertThat(root.tasks()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("outer");
            assertThat(t.state()).isEqualTo(TaskState.RUNNING);
            assertThat(t.priority()).isEqualTo(Priority.WORK);
            assertThat(t.parentId()).isNull();
            assertThat(t.stack()).isEmpty();
        });
        assertThat(root.children()).singleElement().satisfies(scope -> {
            assertThat(scope.id()).isEqualTo(innerScope.get().id());
            assertThat(scope.deadline()).isNotNull();
            assertThat(scope.cancelled()).isFalse();
            assertThat(scope.tasks()).singleElement().satisfies(t -> {
                assertThat(t.name()).isEqualTo("child");
                assertThat(t.parentId()).isEqualTo(outer.id());
                assertThat(t.age()).isGreaterThanOrEqualTo(Duration.ZERO);
            });
        });
        assertThat(tree.render())
                .contains("loop 'tree-test': 2 active")
                .contains("task #" + outer.id() + " 'outer' running work")
                .contains("'child' running work")
                .contains("parent #" + outer.id());

        // the child counted "ready" down just before it awaits "release": wait until its stack shows it waiting
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            TaskTree withStacks = loop.dump(true);
            assertThat(withStacks.root().children().get(0).tasks().get(0).stack())
                    .anySatisfy(frame -> assertThat(frame.getMethodName()).contains("await"));
            assertThat(withStacks.render()).contains("    at ");
        });
        release.countDown();
        Asyncio.await(outer);
    }

    @Test
    void anIdleLoopDumpsAnEmptyRoot() {
        TaskTree tree = loop.dump();
        assertThat(tree.taskCount()).isZero();
        assertThat(tree.root().children()).isEmpty();
        assertThat(tree.stats().created()).isZero();
    }
}
