package dev.asyncio.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.asyncio.architecture.fixture.LeakyApi;
import dev.asyncio.architecture.fixture.Monitors;
import dev.asyncio.architecture.fixture.TidyApi;
import dev.asyncio.architecture.fixture.UsesKernelInternals;
import dev.asyncio.architecture.fixture.spring.ImportsAnAutoConfiguration;
import dev.asyncio.architecture.fixture.spring.InstantiatesAnAutoConfiguration;
import dev.asyncio.architecture.fixture.spring.ListedAutoConfiguration;
import dev.asyncio.architecture.fixture.spring.OrderedAutoConfiguration;
import dev.asyncio.architecture.fixture.spring.UnlistedAutoConfiguration;
import dev.asyncio.architecture.fixture.unmarked.Unmarked;
import dev.asyncio.core.internal.Failures;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each rule of {@link AsyncioModuleRules} passes on code that keeps it and fails on code that breaks it. */
class AsyncioModuleRulesTest {
    private static final String FAKE_AUTO_CONFIGURATION = "dev.asyncio.architecture.fixture.spring.AutoConfiguration";

    @Test
    void aModuleMayUseItsOwnInternalPackagesFromMainAndTestCode() {
        // the fixture is a test class of asyncio-core, Failures a main class of it: one module
        JavaClasses classes = new ClassFileImporter().importClasses(UsesKernelInternals.class, Failures.class);

        assertThat(evaluate(AsyncioModuleRules.INTERNAL_PACKAGES_ARE_USED_ONLY_INSIDE_THEIR_MODULE, classes))
                .isEmpty();
    }

    @Test
    void anotherModuleUsingAnInternalPackageBreaksTheRule(@TempDir Path otherModule) throws IOException {
        // the same class file, loaded from another code source, stands for a class of another module
        Path copy = otherModule.resolve("dev/asyncio/architecture/fixture/UsesKernelInternals.class");
        Files.createDirectories(copy.getParent());
        try (InputStream classFile = UsesKernelInternals.class.getResourceAsStream("UsesKernelInternals.class")) {
            Files.copy(classFile, copy);
        }
        JavaClasses classes = new ClassFileImporter().importPaths(otherModule, classFile(Failures.class));

        assertThat(evaluate(AsyncioModuleRules.INTERNAL_PACKAGES_ARE_USED_ONLY_INSIDE_THEIR_MODULE, classes))
                .singleElement(STRING)
                .contains(UsesKernelInternals.class.getName(), Failures.class.getName(), "an internal class of");
    }

    @Test
    void publicApiThatHandsOutAnInternalTypeBreaksTheRule() {
        JavaClasses classes = new ClassFileImporter().importClasses(LeakyApi.class, TidyApi.class);

        assertThat(evaluate(AsyncioModuleRules.THE_PUBLIC_API_EXPOSES_NO_INTERNAL_TYPE, classes))
                .singleElement(STRING)
                .contains(LeakyApi.class.getName() + ".hidden()", "internal");
    }

    @Test
    void synchronizedMethodsAndMonitorWaitsBreakTheirRules() {
        JavaClasses classes = new ClassFileImporter().importClasses(Monitors.class, TidyApi.class);

        assertThat(evaluate(AsyncioModuleRules.NO_SYNCHRONIZED_METHODS, classes))
                .singleElement(STRING)
                .contains("increment()");
        assertThat(evaluate(AsyncioModuleRules.NO_MONITOR_WAIT_OR_NOTIFY, classes))
                .singleElement(STRING)
                .contains("awaitChange()", "wait()");
    }

    @Test
    void aClassInAPackageWithoutNullMarkedBreaksTheRule() {
        // the whole fixture tree, package-info classes included: every package but one is @NullMarked
        JavaClasses classes = new ClassFileImporter().importPackagesOf(TidyApi.class);

        assertThat(evaluate(AsyncioModuleRules.EVERY_PACKAGE_IS_NULL_MARKED, classes))
                .singleElement(STRING)
                .contains(Unmarked.class.getName(), "@org.jspecify.annotations.NullMarked");
    }

    @Test
    void everyPackageOfAsyncioCoreIsNullMarked() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.asyncio");

        assertThat(classes.stream().map(JavaClass::getPackageName).distinct())
                .as("the packages checked")
                .contains("dev.asyncio", "dev.asyncio.core", "dev.asyncio.core.internal", "dev.asyncio.exception");
        assertThat(evaluate(AsyncioModuleRules.EVERY_PACKAGE_IS_NULL_MARKED, classes))
                .isEmpty();
    }

    @Test
    void autoConfigurationsMayBeNamedByTheirNestedClassesAndToOrderThem() {
        JavaClasses classes = new ClassFileImporter()
                .importClasses(
                        ListedAutoConfiguration.class,
                        ListedAutoConfiguration.Holder.class,
                        OrderedAutoConfiguration.class);

        assertThat(evaluate(
                        AsyncioModuleRules.autoConfigurationsAreReferencedOnlyFromTheImportsFile(
                                FAKE_AUTO_CONFIGURATION),
                        classes))
                .isEmpty();
    }

    @Test
    void importingOrInstantiatingAnAutoConfigurationBreaksTheRule() {
        JavaClasses classes = new ClassFileImporter()
                .importClasses(
                        ListedAutoConfiguration.class,
                        ImportsAnAutoConfiguration.class,
                        InstantiatesAnAutoConfiguration.class);

        assertThat(evaluate(
                        AsyncioModuleRules.autoConfigurationsAreReferencedOnlyFromTheImportsFile(
                                FAKE_AUTO_CONFIGURATION),
                        classes))
                .hasSize(2)
                .anySatisfy(detail -> assertThat(detail).contains(ImportsAnAutoConfiguration.class.getName()))
                .anySatisfy(detail -> assertThat(detail).contains(InstantiatesAnAutoConfiguration.class.getName()));
    }

    @Test
    void anAutoConfigurationMissingFromTheImportsFileBreaksTheRule() {
        JavaClasses classes = new ClassFileImporter()
                .importClasses(
                        ListedAutoConfiguration.class, OrderedAutoConfiguration.class, UnlistedAutoConfiguration.class);

        assertThat(evaluate(
                        AsyncioModuleRules.autoConfigurationsAreListedInTheImportsFile(FAKE_AUTO_CONFIGURATION),
                        classes))
                .singleElement(STRING)
                .contains(UnlistedAutoConfiguration.class.getName() + " is not listed");
    }

    @Test
    void theSpringRulesHoldVacuouslyWhereThereIsNoSpring() {
        JavaClasses classes = new ClassFileImporter().importClasses(TidyApi.class);

        assertThat(evaluate(AsyncioModuleRules.AUTO_CONFIGURATIONS_ARE_REFERENCED_ONLY_FROM_THE_IMPORTS_FILE, classes))
                .isEmpty();
        assertThat(evaluate(AsyncioModuleRules.AUTO_CONFIGURATIONS_ARE_LISTED_IN_THE_IMPORTS_FILE, classes))
                .isEmpty();
    }

    private static Path classFile(Class<?> type) {
        try {
            return Path.of(type.getResource(type.getSimpleName() + ".class").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> evaluate(ArchRule rule, JavaClasses classes) {
        EvaluationResult result = rule.evaluate(classes);
        return result.getFailureReport().getDetails();
    }
}
