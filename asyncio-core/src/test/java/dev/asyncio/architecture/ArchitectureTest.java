package dev.asyncio.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;

/** asyncio-core's main classes keep the rules of every module and the layering rules of the core. */
@AnalyzeClasses(packages = "dev.asyncio", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchTests moduleRules = ArchTests.in(AsyncioModuleRules.class);

    @ArchTest
    static final ArchTests coreRules = ArchTests.in(AsyncioCoreRules.class);
}
