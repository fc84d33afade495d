package dev.fearless.samples.service;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser for flat JSON objects (string, number, boolean and null members; no nesting)
 * and a writer for nested maps, lists, strings, numbers and booleans. The sample's requests are
 * flat objects, so a JSON library would be a dependency for twenty lines of grammar.
 *
 * <p>Strict: one object, no duplicate keys, no trailing commas or garbage, the escapes RFC 8259
 * allows, numbers in the RFC 8259 grammar (kept as {@link BigDecimal}, so {@code 1e400} is not
 * silently infinite).
 */
public final class Json {

    private Json() {}

    /** Malformed input: the message says what was expected and where. */
    public static final class MalformedJsonException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MalformedJsonException(String message, int position) {
            super(message + " at offset " + position);
        }
    }

    /**
     * Parses a flat JSON object.
     *
     * @param text the document
     * @return the members in document order: String, BigDecimal, Boolean or {@code null} values
     * @throws MalformedJsonException if {@code text} is not exactly one flat JSON object
     */
    public static Map<String, Object> parseObject(String text) {
        Parser parser = new Parser(text);
        parser.skipWhitespace();
        Map<String, Object> members = parser.object();
        parser.skipWhitespace();
        if (parser.pos != text.length()) {
            throw new MalformedJsonException("unexpected content after the object", parser.pos);
        }
        return members;
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        Map<String, Object> object() {
            expect('{');
            Map<String, Object> members = new LinkedHashMap<>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return members;
            }
            while (true) {
                skipWhitespace();
                int keyAt = pos;
                String key = string();
                if (members.containsKey(key)) {
                    throw new MalformedJsonException("duplicate key \"" + key + "\"", keyAt);
                }
                skipWhitespace();
                expect(':');
                skipWhitespace();
                members.put(key, value());
                skipWhitespace();
                char c = next("',' or '}'");
                if (c == '}') {
                    return members;
                }
                if (c != ',') {
                    throw new MalformedJsonException("expected ',' or '}' but found '" + c + "'", pos - 1);
                }
            }
        }

        Object value() {
            char c = peek();
            if (c == '"') {
                return string();
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                return number();
            }
            if (s.startsWith("true", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (s.startsWith("null", pos)) {
                pos += 4;
                return NULL;
            }
            if (c == '{' || c == '[') {
                throw new MalformedJsonException("nested objects and arrays are not accepted", pos);
            }
            throw new MalformedJsonException("expected a value", pos);
        }

        BigDecimal number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
            } else {
                digits();
            }
            if (peek() == '.') {
                pos++;
                digits();
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                digits();
            }
            try {
                return new BigDecimal(s.substring(start, pos));
            } catch (NumberFormatException e) {
                throw new MalformedJsonException("number out of range", start);
            }
        }

        void digits() {
            int start = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
            if (pos == start) {
                throw new MalformedJsonException("expected a digit", pos);
            }
        }

        String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next("'\"'");
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw new MalformedJsonException("control character in a string", pos - 1);
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = next("an escape");
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw new MalformedJsonException("truncated \\u escape", pos);
                        }
                        try {
                            out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw new MalformedJsonException("bad \\u escape", pos);
                        }
                        pos += 4;
                    }
                    default -> throw new MalformedJsonException("bad escape '\\" + e + "'", pos - 1);
                }
            }
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        char next(String expected) {
            if (pos >= s.length()) {
                throw new MalformedJsonException("unexpected end of input, expected " + expected, pos);
            }
            return s.charAt(pos++);
        }

        void expect(char c) {
            char found = next("'" + c + "'");
            if (found != c) {
                throw new MalformedJsonException("expected '" + c + "' but found '" + found + "'", pos - 1);
            }
        }
    }

    /** The parsed JSON {@code null} (maps cannot hold Java null values in every implementation). */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    // ------------------------------------------------------------------ writing

    /**
     * Writes a value as JSON: maps (string keys), lists, strings, numbers, booleans and null.
     *
     * @param value the value
     * @return the JSON text
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case String string -> quote(string, out);
            case Double d when d.isNaN() || d.isInfinite() -> out.append("null");
            case Float f when f.isNaN() || f.isInfinite() -> out.append("null");
            case Number number -> out.append(number);
            case Boolean bool -> out.append(bool);
            case Map<?, ?> map -> {
                out.append('{');
                Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<?, ?> entry = it.next();
                    quote(String.valueOf(entry.getKey()), out);
                    out.append(':');
                    write(entry.getValue(), out);
                    if (it.hasNext()) {
                        out.append(',');
                    }
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(list.get(i), out);
                }
                out.append(']');
            }
            default -> {
                if (value == NULL) {
                    out.append("null");
                } else {
                    quote(value.toString(), out);
                }
            }
        }
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
