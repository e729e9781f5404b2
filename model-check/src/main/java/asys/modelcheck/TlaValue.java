package asys.modelcheck;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value as TLC prints it in a counterexample: integers, strings, booleans, model values,
 * sets {@code {a, b}}, sequences {@code <<a, b>>}, records {@code [f |-> v]} and functions
 * {@code (k1 :> v1 @@ k2 :> v2)}. Only what the step table needs: equality, the keys of a
 * function-like value, and TLC's own text for each part.
 */
public abstract sealed class TlaValue {

    /** TLC's text for this value, normalised to one line. */
    public abstract String text();

    @Override public String toString() { return text(); }

    @Override public boolean equals(Object o) { return o instanceof TlaValue v && v.text().equals(text()); }

    @Override public int hashCode() { return text().hashCode(); }

    /** A scalar: integer, string (with its quotes), boolean or model value. */
    public static final class Atom extends TlaValue {
        private final String text;
        Atom(String text) { this.text = text; }
        @Override public String text() { return text; }
        /** The atom without string quotes, as used for names and ids. */
        public String bare() {
            return text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")
                    ? text.substring(1, text.length() - 1) : text;
        }
    }

    /** A set or a sequence: elements in TLC's order. */
    public static final class Collection extends TlaValue {
        private final boolean sequence;
        private final List<TlaValue> elements;
        Collection(boolean sequence, List<TlaValue> elements) {
            this.sequence = sequence;
            this.elements = List.copyOf(elements);
        }
        public boolean isSequence() { return sequence; }
        public List<TlaValue> elements() { return elements; }
        @Override public String text() {
            List<String> parts = new ArrayList<>();
            for (TlaValue e : elements) parts.add(e.text());
            return sequence ? "<<" + String.join(", ", parts) + ">>" : "{" + String.join(", ", parts) + "}";
        }
    }

    /** A function or a record: keys (as TLC prints them) to values, in TLC's order. */
    public static final class Mapping extends TlaValue {
        private final boolean record;
        private final Map<String, TlaValue> entries;
        Mapping(boolean record, Map<String, TlaValue> entries) {
            this.record = record;
            this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }
        public Map<String, TlaValue> entries() { return entries; }
        @Override public String text() {
            List<String> parts = new ArrayList<>();
            entries.forEach((k, v) -> parts.add(record ? k + " |-> " + v.text() : k + " :> " + v.text()));
            return record ? "[" + String.join(", ", parts) + "]" : "(" + String.join(" @@ ", parts) + ")";
        }
    }

    /** Parses one value; throws {@link IllegalArgumentException} naming the offset on bad input. */
    public static TlaValue parse(String text) {
        Parser p = new Parser(text);
        TlaValue v = p.value();
        p.skipSpace();
        if (p.pos != text.length()) throw p.error("unexpected text after the value");
        return v;
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) { this.s = s; }

        IllegalArgumentException error(String what) {
            int from = Math.max(0, pos - 20), to = Math.min(s.length(), pos + 20);
            return new IllegalArgumentException("cannot read TLC value: " + what + " at offset " + pos
                    + " near '" + s.substring(from, to).replace('\n', ' ') + "'");
        }

        void skipSpace() { while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++; }

        boolean startsWith(String t) { skipSpace(); return s.startsWith(t, pos); }

        void expect(String t) {
            if (!startsWith(t)) throw error("expected '" + t + "'");
            pos += t.length();
        }

        TlaValue value() {
            skipSpace();
            if (pos >= s.length()) throw error("value missing");
            char c = s.charAt(pos);
            if (s.startsWith("<<", pos)) return collection("<<", ">>", true);
            if (c == '{') return collection("{", "}", false);
            if (c == '[') return record();
            if (c == '(') return function();
            if (c == '"') return string();
            return word();
        }

        TlaValue collection(String open, String close, boolean sequence) {
            expect(open);
            List<TlaValue> elements = new ArrayList<>();
            if (!startsWith(close)) {
                elements.add(value());
                while (startsWith(",")) { pos++; elements.add(value()); }
            }
            expect(close);
            return new Collection(sequence, elements);
        }

        TlaValue record() {
            expect("[");
            Map<String, TlaValue> entries = new LinkedHashMap<>();
            if (!startsWith("]")) {
                do {
                    skipSpace();
                    String key = word().text();
                    expect("|->");
                    entries.put(key, value());
                } while (startsWith(",") && ++pos > 0);
            }
            expect("]");
            return new Mapping(true, entries);
        }

        TlaValue function() {
            expect("(");
            Map<String, TlaValue> entries = new LinkedHashMap<>();
            do {
                TlaValue key = value();
                expect(":>");
                entries.put(key.text(), value());
            } while (startsWith("@@") && (pos += 2) > 0);
            expect(")");
            return new Mapping(false, entries);
        }

        TlaValue string() {
            int start = pos++;
            while (pos < s.length() && s.charAt(pos) != '"') {
                if (s.charAt(pos) == '\\') pos++;
                pos++;
            }
            if (pos >= s.length()) throw error("unterminated string");
            pos++;
            return new Atom(s.substring(start, pos));
        }

        TlaValue word() {
            int start = pos;
            if (pos < s.length() && s.charAt(pos) == '-') pos++;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
            if (pos == start) throw error("unexpected character '" + s.charAt(pos) + "'");
            return new Atom(s.substring(start, pos));
        }
    }
}
