package asys.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The production classes hold no fault switch that a system property turns on: no class reads
 * {@code asys.fault}, and every switch of {@link Fault} is a constant that is off. The fault build
 * (target/fault-classes) does read it: the same check finds it there.
 */
class ProductionBuildTest {

    private static Path classesOf(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** The class files under {@code dir} whose bytes contain {@code text}. */
    private static List<String> classesMentioning(Path dir, String text) throws Exception {
        List<String> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".class")).toList()) {
                if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(text)) {
                    found.add(dir.relativize(f).toString());
                }
            }
        }
        return found;
    }

    @Test
    void noProductionClassReadsTheFaultPropertyAndTheFaultBuildDoes() throws Exception {
        Path production = classesOf(AsysRuntime.class);
        assertEquals(List.of(), classesMentioning(production, "asys.fault"), "production classes naming asys.fault");
        Path faults = production.resolveSibling("fault-classes");
        assertTrue(Files.isDirectory(faults), "the fault build is at " + faults);
        assertEquals(List.of("asys/runtime/Fault.class"), classesMentioning(faults, "asys.fault"),
                "in the fault build, Fault alone reads asys.fault");
    }

    @Test
    void everyProductionSwitchIsAConstantThatIsOff() throws Exception {
        for (java.lang.reflect.Field f : Fault.class.getDeclaredFields()) {
            if (f.getType() != boolean.class) continue;
            f.setAccessible(true);
            assertEquals(false, f.getBoolean(null), f.getName() + " is off in the production build");
            assertTrue(java.lang.reflect.Modifier.isFinal(f.getModifiers()), f.getName() + " is final");
        }
    }
}
