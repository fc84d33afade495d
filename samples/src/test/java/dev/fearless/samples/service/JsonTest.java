package dev.fearless.samples.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesFlatObjectsInOrder() {
        Map<String, Object> parsed = Json.parseObject(
                " {\"from\" : \"acc-1\", \"amount\":-12.5e1, \"ok\":true, \"no\":false, \"nothing\":null, \"s\":\"a\\\"b\\u00e9\\n\"} ");
        assertEquals(List.of("from", "amount", "ok", "no", "nothing", "s"), List.copyOf(parsed.keySet()));
        assertEquals("acc-1", parsed.get("from"));
        assertEquals(0, new BigDecimal("-125").compareTo((BigDecimal) parsed.get("amount")));
        assertEquals(Boolean.TRUE, parsed.get("ok"));
        assertEquals(Boolean.FALSE, parsed.get("no"));
        assertEquals(Json.NULL, parsed.get("nothing"));
        assertEquals("a\"bé\n", parsed.get("s"));
        assertEquals(Map.of(), Json.parseObject("{}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "[]", "{", "}", "{\"a\":1,}", "{\"a\":1}x", "{\"a\" 1}", "{a:1}",
            "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":+1}", "{\"a\":{\"b\":1}}", "{\"a\":[1]}",
            "{\"a\":1,\"a\":2}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u+031\"}", "{\"a\":\"\\u-031\"}", "{\"a\":1e1000000000}", "{\"a\":1e2147483648}", "{\"a\":1e-2147483648}", "{\"a\":123456789012345678901234567890123}", "{\"a\":1e65}", "{\"a\":tru}", "{\"a\":\"unterminated}",
            "{\"a\":\"tab\there\"}", "{\"a\":NaN}", "{\"a\":1e99999999999}", "{\"a\":1}{\"b\":2}"})
    void rejectsMalformedInput(String text) {
        assertThrows(Json.MalformedJsonException.class, () -> Json.parseObject(text), text);
    }

    @Test
    void hostileNumbersAreRefusedWithoutExpandingOrEchoingThem() {
        String digits = "9".repeat(100_000);
        for (String text : List.of("{\"a\":1e1000000000}", "{\"a\":" + digits + "}", "{\"a\":0." + digits + "}",
                "{\"a\":\"" + "x".repeat(70_000) + "\"}")) {
            Json.MalformedJsonException e = assertThrows(Json.MalformedJsonException.class, () -> Json.parseObject(text));
            assertTrue(e.getMessage().length() < 300, e.getMessage());
        }
        assertEquals(0, new BigDecimal("1e64").compareTo((BigDecimal) Json.parseObject("{\"a\":1e64}").get("a")));
    }

    @Test
    void writesNestedValues() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("s", "q\"\\\n\u0001");
        value.put("n", 12L);
        value.put("d", Double.NaN);
        value.put("b", true);
        value.put("l", List.of(1, "x"));
        value.put("m", Map.of("k", 2));
        value.put("z", null);
        assertEquals("{\"s\":\"q\\\"\\\\\\n\\u0001\",\"n\":12,\"d\":null,\"b\":true,\"l\":[1,\"x\"],\"m\":{\"k\":2},\"z\":null}",
                Json.write(value));
        assertEquals(value.get("s"), Json.parseObject(Json.write(Map.of("s", value.get("s")))).get("s"));
    }
}
