package dev.fearless.samples.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict parsing of the service's flat JSON request bodies (string, number, boolean and null
 * members; no nesting) with jackson-jr, and a writer for nested maps, lists, strings, numbers and
 * booleans.
 *
 * <p>Strict: exactly one object, no duplicate keys, no trailing commas or garbage, only the escapes
 * RFC 8259 allows ({@code \\u} with exactly four hex digits), numbers in the RFC 8259 grammar. A
 * hostile number cannot cost more than its bytes: Jackson refuses a number longer than
 * {@value #MAX_NUMBER_LENGTH} characters while tokenizing, and a number whose exponent puts it
 * beyond 10<sup>&plusmn;{@value #MAX_MAGNITUDE}</sup> is refused before anything expands it
 * ({@code 1e1000000000} is 13 bytes; its plain form would be a gigabyte). Numbers are kept as
 * {@link BigDecimal}, so {@code 1e30} is not silently rounded. Error messages never repeat the
 * input beyond a short excerpt.
 */
public final class Json {

    /** Longest number accepted, in characters (sign, digits, point and exponent together). */
    static final int MAX_NUMBER_LENGTH = 32;

    /** Largest decimal exponent (in either direction) of an accepted number. */
    static final int MAX_MAGNITUDE = 64;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength(64 * 1024)
                    .maxNameLength(256)
                    .maxNestingDepth(2)                  // the object and one level more, refused below
                    .build())
            .build();

    private static final JSON READER = JSON.builder(FACTORY)
            .enable(JSON.Feature.USE_BIG_DECIMAL_FOR_FLOATS, JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS,
                    JSON.Feature.PRESERVE_FIELD_ORDERING)
            .build();

    private Json() {}

    /** Malformed input: the message says what was expected and where. */
    public static final class MalformedJsonException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MalformedJsonException(String message) {
            super(message);
        }
    }

    /**
     * Parses a flat JSON object.
     *
     * @param text the document
     * @return the members in document order: String, BigDecimal, Boolean or {@link #NULL} values
     * @throws MalformedJsonException if {@code text} is not exactly one flat JSON object
     */
    public static Map<String, Object> parseObject(String text) {
        Map<String, Object> parsed;
        try (JsonParser parser = FACTORY.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedJsonException("expected a JSON object at offset "
                        + parser.currentTokenLocation().getCharOffset());
            }
            parsed = READER.mapFrom(parser);
            if (parser.nextToken() != null) {
                throw new MalformedJsonException("unexpected content after the object at offset "
                        + parser.currentTokenLocation().getCharOffset());
            }
        } catch (JsonProcessingException e) {
            throw new MalformedJsonException(excerpt(e.getOriginalMessage()) + " at offset "
                    + (e.getLocation() == null ? -1 : e.getLocation().getCharOffset()));
        } catch (IOException e) {                         // jackson-jr's own refusals, e.g. duplicate keys
            throw new MalformedJsonException(excerpt(e.getMessage()));
        } catch (NumberFormatException e) {               // an exponent beyond an int, e.g. 1e2147483648
            throw new MalformedJsonException("number out of range (at most 10^" + MAX_MAGNITUDE + " in magnitude)");
        }
        Map<String, Object> members = new LinkedHashMap<>();
        for (Map.Entry<String, Object> member : parsed.entrySet()) {
            members.put(member.getKey(), value(member.getKey(), member.getValue()));
        }
        return members;
    }

    private static Object value(String key, Object value) {
        return switch (value) {
            case null -> NULL;
            case String string -> string;
            case Boolean bool -> bool;
            case BigDecimal decimal -> bounded(key, decimal);
            case BigInteger integer -> bounded(key, new BigDecimal(integer));
            case Integer integer -> BigDecimal.valueOf(integer);
            case Long integer -> BigDecimal.valueOf(integer);
            case Number number -> bounded(key, new BigDecimal(number.toString()));
            case Map<?, ?> _, List<?> _ -> throw new MalformedJsonException(
                    "nested objects and arrays are not accepted (member \"" + excerpt(key) + "\")");
            default -> throw new MalformedJsonException("unexpected value of member \"" + excerpt(key) + "\"");
        };
    }

    /** Refuses a number beyond 10^&plusmn;MAX_MAGNITUDE by its scale and precision, never expanding it. */
    private static BigDecimal bounded(String key, BigDecimal number) {
        long exponent = (long) number.precision() - number.scale() - 1;  // 1e64 and 9.9e64: 64
        if (Math.abs(exponent) > MAX_MAGNITUDE || Math.abs((long) number.scale()) > MAX_MAGNITUDE) {
            throw new MalformedJsonException("number out of range in member \"" + excerpt(key)
                    + "\" (at most 10^" + MAX_MAGNITUDE + " in magnitude)");
        }
        return number;
    }

    /** At most 120 characters of a text that may come from a client. */
    static String excerpt(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 120 ? text : text.substring(0, 120) + "…";
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
