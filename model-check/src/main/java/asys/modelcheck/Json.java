package asys.modelcheck;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader for trace lines: objects (as ordered maps), arrays (lists), strings,
 * numbers (Long, or Double when fractional), booleans and null. Errors name the column.
 */
final class Json {

    private final String s;
    private int pos;

    private Json(String s) { this.s = s; }

    /** Parses one JSON value; throws IllegalArgumentException "column N: ...". */
    static Object parse(String text) {
        Json j = new Json(text);
        j.space();
        Object v = j.value();
        j.space();
        if (j.pos != text.length()) throw j.error("unexpected text after the value");
        return v;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("column " + (pos + 1) + ": " + what);
    }

    private void space() { while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++; }

    private Object value() {
        if (pos >= s.length()) throw error("value expected, line ends");
        char c = s.charAt(pos);
        switch (c) {
            case '{': return object();
            case '[': return array();
            case '"': return string();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", null);
            default:
                if (c == '-' || Character.isDigit(c)) return number();
                throw error("unexpected character '" + c + "'");
        }
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, pos)) throw error("expected " + word);
        pos += word.length();
        return v;
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        pos++;
        space();
        if (pos < s.length() && s.charAt(pos) == '}') { pos++; return m; }
        while (true) {
            space();
            if (pos >= s.length() || s.charAt(pos) != '"') throw error("field name expected");
            String key = string();
            space();
            if (pos >= s.length() || s.charAt(pos) != ':') throw error("':' expected after \"" + key + "\"");
            pos++;
            space();
            m.put(key, value());
            space();
            if (pos < s.length() && s.charAt(pos) == ',') { pos++; continue; }
            if (pos < s.length() && s.charAt(pos) == '}') { pos++; return m; }
            throw error("',' or '}' expected");
        }
    }

    private List<Object> array() {
        List<Object> l = new ArrayList<>();
        pos++;
        space();
        if (pos < s.length() && s.charAt(pos) == ']') { pos++; return l; }
        while (true) {
            space();
            l.add(value());
            space();
            if (pos < s.length() && s.charAt(pos) == ',') { pos++; continue; }
            if (pos < s.length() && s.charAt(pos) == ']') { pos++; return l; }
            throw error("',' or ']' expected");
        }
    }

    private String string() {
        StringBuilder sb = new StringBuilder();
        pos++;
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '"') return sb.toString();
            if (c == '\\') {
                if (pos >= s.length()) break;
                char e = s.charAt(pos++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length()) throw error("bad \\u escape");
                        sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
        throw error("unterminated string");
    }

    private Object number() {
        int start = pos;
        if (s.charAt(pos) == '-') pos++;
        while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || ".eE+-".indexOf(s.charAt(pos)) >= 0)) pos++;
        String n = s.substring(start, pos);
        try {
            return n.contains(".") || n.contains("e") || n.contains("E") ? (Object) Double.parseDouble(n) : (Object) Long.parseLong(n);
        } catch (NumberFormatException e) {
            pos = start;
            throw error("bad number '" + n + "'");
        }
    }
}
