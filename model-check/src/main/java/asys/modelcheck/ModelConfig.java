package asys.modelcheck;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A TLC model config ({@code .cfg}) as sections: keyword ({@code CONSTANTS}, {@code INIT},
 * {@code INVARIANTS}, ...) to the lines under it. Enough to derive a suite row's config from
 * its base: set a constant, keep only some invariants or properties. Comments are kept.
 */
public final class ModelConfig {

    private static final Pattern KEYWORD = Pattern.compile(
            "^(CONSTANTS?|INIT|NEXT|SPECIFICATION|INVARIANTS?|PROPERTY|PROPERTIES|VIEW|SYMMETRY"
                    + "|CONSTRAINTS?|ACTION_CONSTRAINTS?|CHECK_DEADLOCK|ALIAS|POSTCONDITION)\\b(.*)$");

    private final List<String> header = new ArrayList<>();
    private final Map<String, List<String>> sections = new LinkedHashMap<>();

    private ModelConfig() {}

    /** Parses cfg text; the name is used in error messages. */
    public static ModelConfig parse(String name, String text) {
        ModelConfig c = new ModelConfig();
        List<String> current = c.header;
        for (String line : text.split("\\R")) {
            var m = KEYWORD.matcher(line);
            if (m.matches()) {
                String key = canonical(m.group(1));
                current = c.sections.computeIfAbsent(key, k -> new ArrayList<>());
                if (!m.group(2).isBlank()) current.add("  " + m.group(2).strip());
            } else if (!line.isBlank() && !line.strip().startsWith("\\*") && current == c.header) {
                throw new IllegalArgumentException(name + ": line '" + line.strip()
                        + "' is not under a cfg keyword (CONSTANTS, INIT, NEXT, INVARIANTS, ...)");
            } else {
                current.add(line);
            }
        }
        return c;
    }

    private static String canonical(String keyword) {
        return switch (keyword) {
            case "CONSTANT" -> "CONSTANTS";
            case "INVARIANT" -> "INVARIANTS";
            case "PROPERTY" -> "PROPERTIES";
            case "CONSTRAINT" -> "CONSTRAINTS";
            case "ACTION_CONSTRAINT" -> "ACTION_CONSTRAINTS";
            default -> keyword;
        };
    }

    /** The names listed under a keyword (INVARIANTS, PROPERTIES), comments left out. */
    public List<String> names(String keyword) {
        List<String> out = new ArrayList<>();
        for (String line : sections.getOrDefault(canonical(keyword), List.of())) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("\\*")) continue;
            for (String w : l.split("\\s+")) out.add(w);
        }
        return out;
    }

    /** The value text of constant {@code name}, or null. */
    public String constant(String name) {
        for (String line : sections.getOrDefault("CONSTANTS", List.of())) {
            String l = line.strip();
            if (l.startsWith(name + " ") || l.startsWith(name + "=")) {
                return l.substring(l.indexOf('=') + 1).strip();
            }
        }
        return null;
    }

    /** Sets an existing constant; throws naming the config when it has no such constant. */
    public ModelConfig withConstant(String name, String value) {
        List<String> lines = sections.get("CONSTANTS");
        if (lines != null) {
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                if (l.startsWith(name + " ") || l.startsWith(name + "=")) {
                    lines.set(i, "  " + name + " = " + value);
                    return this;
                }
            }
        }
        throw new IllegalArgumentException("config has no constant " + name + " to set");
    }

    /** Replaces the names under a keyword; an empty list removes the section. */
    public ModelConfig withNames(String keyword, List<String> names) {
        String key = canonical(keyword);
        if (names.isEmpty()) {
            sections.remove(key);
        } else {
            List<String> lines = new ArrayList<>();
            for (String n : names) lines.add("  " + n);
            sections.put(key, lines);
        }
        return this;
    }

    /** The cfg text. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        header.forEach(l -> sb.append(l).append('\n'));
        sections.forEach((k, lines) -> {
            sb.append(k).append('\n');
            lines.forEach(l -> sb.append(l).append('\n'));
        });
        return sb.toString();
    }
}
