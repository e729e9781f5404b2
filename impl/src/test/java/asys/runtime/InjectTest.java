package asys.runtime;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Naming an injector: none by default; a class that is not one, or is not there, is refused by name. */
class InjectTest {

    @Test
    void noInjectorIsNamedByDefault() {
        assertNull(Inject.load(null));
        assertNull(Inject.load(""));
    }

    @Test
    void aNamedInjectorIsMadeFromTheClassPath() {
        assertInstanceOf(StepInjector.class, Inject.load(StepInjector.class.getName()));
    }

    @Test
    void aClassThatIsNotAnInjectorOrIsMissingIsRefusedNamingIt() {
        IllegalArgumentException notOne = assertThrows(IllegalArgumentException.class, () -> Inject.load("java.lang.String"));
        assertTrue(notOne.getMessage().contains("-Dasys.inject=java.lang.String is not a java.util.function.Consumer<String>"),
                notOne.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> Inject.load("no.such.Injector"));
        assertTrue(missing.getMessage().contains("-Dasys.inject=no.such.Injector: cannot make the injector"), missing.getMessage());
    }
}
